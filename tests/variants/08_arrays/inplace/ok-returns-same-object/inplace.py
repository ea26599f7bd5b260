"""Exercise 08_arrays/inplace, another correct solution: changes the object in place and also returns it."""

from _inplace_cffi import ffi, lib


def xor_inplace(data, key):
    lib.xor_bytes(ffi.from_buffer(data, require_writable=True), memoryview(data).nbytes, key)
    return data
