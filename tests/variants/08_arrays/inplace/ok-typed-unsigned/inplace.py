"""Exercise 08_arrays/inplace, another correct solution: a typed view, and an explicit check for read-only data."""

from _inplace_cffi import ffi, lib


def xor_inplace(data, key):
    if memoryview(data).readonly:
        raise BufferError("cannot change a read-only object in place")
    view = ffi.from_buffer("unsigned char[]", data)
    lib.xor_bytes(view, len(view), key)
