"""Exercise 11_errors/safe_open: turn C's -1/NULL and errno into Python exceptions."""

import os

from _safe_open_cffi import ffi, lib

LINE_MAX = 4096  # bytes, the NUL included


def read_first_line(path):
    """Wrong: when the read fails, the file is never closed."""
    f = lib.sf_open(os.fsencode(path))
    if f == ffi.NULL:
        code = ffi.errno
        raise OSError(code, os.strerror(code), path)
    buf = ffi.new("char[]", LINE_MAX)
    n = lib.sf_read_line(f, buf, LINE_MAX)
    if n < 0:
        code = ffi.errno
        raise OSError(code, os.strerror(code), path)
    lib.sf_close(f)
    return ffi.unpack(buf, n).decode("utf-8")
