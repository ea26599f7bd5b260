"""Exercise 11_errors/safe_open: turn C's -1/NULL and errno into Python exceptions."""

import os

from _safe_open_cffi import ffi, lib

LINE_MAX = 4096  # bytes, the NUL included


def read_first_line(path):
    """Wrong: an OSError with a message only has errno None and is never a FileNotFoundError."""
    f = lib.sf_open(os.fsencode(path))
    if f == ffi.NULL:
        raise OSError(f"cannot open {path}: {os.strerror(ffi.errno)}")
    try:
        buf = ffi.new("char[]", LINE_MAX)
        n = lib.sf_read_line(f, buf, LINE_MAX)
        if n < 0:
            raise OSError(f"cannot read {path}: {os.strerror(ffi.errno)}")
        return ffi.unpack(buf, n).decode("utf-8")
    finally:
        lib.sf_close(f)
