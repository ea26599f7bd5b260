"""Wrong: no require_writable=True, so C also writes into a bytes object, which must never change."""

from _inplace_cffi import ffi, lib


def xor_inplace(data, key):
    view = ffi.from_buffer(data)
    lib.xor_bytes(view, len(view), key)
