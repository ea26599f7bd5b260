"""Exercise 11_errors/safe_open: turn C's -1/NULL and errno into Python exceptions."""

import os

from _safe_open_cffi import ffi, lib

LINE_MAX = 4096  # bytes, the NUL included


def read_first_line(path):
    """Wrong: the read's errno is read after sf_close, which has changed it."""
    f = lib.sf_open(os.fsencode(path))
    if f == ffi.NULL:
        raise OSError(ffi.errno, os.strerror(ffi.errno), path)
    buf = ffi.new("char[]", LINE_MAX)
    try:
        n = lib.sf_read_line(f, buf, LINE_MAX)
    finally:
        lib.sf_close(f)
    if n < 0:
        raise OSError(ffi.errno, os.strerror(ffi.errno), path)
    return ffi.unpack(buf, n).decode("utf-8")
