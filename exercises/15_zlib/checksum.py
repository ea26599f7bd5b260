"""Exercise 15_zlib/checksum, run time: zlib's checksums over any bytes-like object, no copy.

It never builds anything: it imports the module that checksum_build.py compiled,
``_checksum_cffi``.

Your task:
- adler32(data, value=1) and crc32(data, value=0) return zlib's checksums of data, which
  may be bytes, a bytearray, a memoryview or an array.array: pass C a pointer into the
  object's own memory (no copy) and its length in bytes. value is the checksum so far, so
  that crc32(b, crc32(a)) == crc32(a + b); the defaults start a new checksum.
- label(name, value) returns "name: 0000abcd" (value as 8 lower-case hex digits), written
  by C's snprintf (declared in checksum_build.py) with the format b"%s: %08lx".

Grade it:  nox -s grade -- 15_zlib/checksum
"""

from _checksum_cffi import ffi, lib


def adler32(data, value=1):
    """The Adler-32 checksum of data, continuing from value (1 starts a new checksum)."""
    # TODO: call lib.adler32 with a pointer into data (no copy) and its length in bytes.
    raise NotImplementedError("adler32 is not written yet")


def crc32(data, value=0):
    """The CRC-32 of data, continuing from value (0 starts a new checksum)."""
    # TODO: the same with lib.crc32.
    raise NotImplementedError("crc32 is not written yet")


def label(name, value):
    """'name: value' with value as 8 hex digits, written by C's snprintf."""
    # TODO: a char buffer, lib.snprintf(buf, size, b"%s: %08lx", ...) with each variadic
    # argument a cdata of the type the format expects, then the text C wrote, as a str.
    raise NotImplementedError("label is not written yet")
