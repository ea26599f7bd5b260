"""Wrong: hands C a bytes copy of the data (bytes(data)), then copies C's result back with a slice assignment."""

from _inplace_cffi import ffi, lib


def xor_inplace(data, key):
    if memoryview(data).readonly:
        raise BufferError("read-only")
    copy = bytearray(data)
    view = ffi.from_buffer(copy)
    lib.xor_bytes(view, len(view), key)
    data[:] = copy
