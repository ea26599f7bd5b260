"""Exercise 15_zlib/checksum, run time: zlib's checksums over any bytes-like object, no copy.

It never builds anything: it imports the module that checksum_build.py compiled,
``_checksum_cffi``.

Grade it:  nox -s grade -- 15_zlib/checksum
"""

from _checksum_cffi import ffi, lib

# zlib takes a length as a C unsigned int: at most 4 GiB - 1 bytes a call. Bigger data goes
# in pieces, the running checksum carried from one call to the next.
CHUNK = 1 << 30


def _checksum(function, data, value):
    # from_buffer() points into the object's own memory (bytes, bytearray, memoryview,
    # array.array...): no copy. Its length is in bytes, whatever the items are.
    buf = ffi.from_buffer("unsigned char[]", data)
    size = len(buf)
    for start in range(0, size, CHUNK):
        value = function(value, buf + start, min(CHUNK, size - start))
    return value


def adler32(data, value=1):
    """The Adler-32 checksum of data, continuing from value (1 starts a new checksum)."""
    return _checksum(lib.adler32, data, value)


def crc32(data, value=0):
    """The CRC-32 of data, continuing from value (0 starts a new checksum)."""
    return _checksum(lib.crc32, data, value)


def label(name, value):
    """'name: value' with value as 8 hex digits, written by C's snprintf."""
    buf = ffi.new("char[]", 64)
    # A variadic argument has no declared type for cffi to convert to: each one is a cdata
    # of the type the format expects (%s: a char array, %08lx: an unsigned long).
    n = lib.snprintf(buf, len(buf), b"%s: %08lx", ffi.new("char[]", name.encode("utf-8")),
                     ffi.cast("unsigned long", value))
    if n < 0 or n >= len(buf):
        raise ValueError(f"the label for {name!r} does not fit in {len(buf)} bytes")
    return ffi.string(buf).decode("utf-8")
