"""Exercise 11_errors/safe_open: turn C's -1/NULL and errno into Python exceptions."""

import os

from _safe_open_cffi import ffi, lib

LINE_MAX = 4096  # bytes, the NUL included


def read_first_line(path):
    """Another correct shape: save errno in a local, close, then raise."""
    f = lib.sf_open(os.fsencode(path))
    if f == ffi.NULL:
        code = ffi.errno
        raise OSError(code, os.strerror(code), path)
    buf = ffi.new(f"char[{LINE_MAX}]")
    n = lib.sf_read_line(f, buf, len(buf))
    code = ffi.errno  # saved before sf_close, which changes errno
    lib.sf_close(f)
    if n < 0:
        raise OSError(code, os.strerror(code), path)
    return ffi.string(buf).decode("utf-8")
