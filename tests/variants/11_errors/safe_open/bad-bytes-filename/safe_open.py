"""Exercise 11_errors/safe_open: turn C's -1/NULL and errno into Python exceptions."""

import os

from _safe_open_cffi import ffi, lib

LINE_MAX = 4096  # bytes, the NUL included


def read_first_line(path):
    """Wrong: the filename in the exception is the bytes given to C, not the caller's str."""
    bpath = os.fsencode(path)
    f = lib.sf_open(bpath)
    if f == ffi.NULL:
        code = ffi.errno
        raise OSError(code, os.strerror(code), bpath)
    try:
        buf = ffi.new("char[]", LINE_MAX)
        n = lib.sf_read_line(f, buf, LINE_MAX)
        if n < 0:
            code = ffi.errno
            raise OSError(code, os.strerror(code), bpath)
        return ffi.unpack(buf, n).decode("utf-8")
    finally:
        lib.sf_close(f)
