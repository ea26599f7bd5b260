"""Wrong: returns a new bytearray with the right bytes, and leaves the caller's object as it was."""

from _inplace_cffi import ffi, lib


def xor_inplace(data, key):
    result = bytearray(data)
    lib.xor_bytes(ffi.from_buffer(result), len(result), key)
    return result
