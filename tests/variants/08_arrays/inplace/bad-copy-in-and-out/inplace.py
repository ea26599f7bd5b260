"""Wrong: copies the bytes into C memory and back; the bytearray ends up right, but every byte is copied twice."""

from _inplace_cffi import ffi, lib


def xor_inplace(data, key):
    if isinstance(data, bytes):
        raise BufferError("bytes cannot be changed")
    buf = ffi.new("unsigned char[]", bytes(data))
    lib.xor_bytes(buf, len(data), key)
    ffi.memmove(data, buf, len(data))
