"""Exercise 15_zlib/oneshot, run time: compress and decompress in one call each.

It never builds anything: it imports the module that oneshot_build.py compiled,
``_oneshot_cffi``.

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


def _check(code):
    # Every zlib function says how it went by its return value: Z_OK, or a code zError() names.
    if code != lib.Z_OK:
        raise ZlibError(code, ffi.string(lib.zError(code)).decode("ascii", "replace"))


def compress(data, level=-1):
    """data compressed in the zlib format, at level 0 (none) to 9 (best), -1 the default."""
    source = ffi.from_buffer(data)
    # compressBound(): the most compress2() can write for this many bytes. Data that does
    # not compress comes out a little longer than it went in.
    size = ffi.new("uLongf *", lib.compressBound(len(source)))
    dest = ffi.new("Bytef[]", size[0])
    _check(lib.compress2(dest, size, source, len(source), level))
    return ffi.unpack(ffi.cast("char *", dest), size[0])  # compress2() wrote size[0] bytes: the rest is not the stream


def decompress(data, max_size):
    """The bytes that data, in the zlib format, holds: at most max_size of them."""
    source = ffi.from_buffer(data)
    size = ffi.new("uLongf *", max_size)
    dest = ffi.new("Bytef[]", max(max_size, 1))
    _check(lib.uncompress(dest, size, source, len(source)))
    return ffi.unpack(ffi.cast("char *", dest), size[0])
