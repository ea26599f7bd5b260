"""Exercise 15_zlib/oneshot, run time: compress and decompress in one call each.

It never builds anything: it imports the module that oneshot_build.py compiled,
``_oneshot_cffi``.

Your task:
- compress(data, level=-1) returns data compressed by zlib's compress2(), exactly the bytes
  it wrote. Give it an output buffer of the size compressBound() says.
- decompress(data, max_size) returns the bytes uncompress() wrote, at most max_size.
- Every return code other than Z_OK raises ZlibError(code, message), message being what
  zError(code) says, decoded: corrupt or truncated input, an output buffer too small, a
  level out of range. Never return bytes when zlib said it failed.

Grade it:  nox -s grade -- 15_zlib/oneshot
"""

from _oneshot_cffi import ffi, lib


class ZlibError(Exception):
    """A zlib function failed: ``code`` is what it returned (lib.Z_DATA_ERROR, ...),
    ``message`` zlib's words for it."""

    def __init__(self, code, message):
        super().__init__(f"{message} (zlib error {code})")
        self.code = code
        self.message = message


def compress(data, level=-1):
    """data compressed in the zlib format, at level 0 (none) to 9 (best), -1 the default."""
    # TODO: an output buffer of lib.compressBound(len) bytes, its size in a uLongf * that
    # compress2() updates, the return code checked, then exactly the bytes it wrote.
    raise NotImplementedError("compress is not written yet")


def decompress(data, max_size):
    """The bytes that data, in the zlib format, holds: at most max_size of them."""
    # TODO: the same with lib.uncompress() and an output buffer of max_size bytes.
    raise NotImplementedError("decompress is not written yet")
