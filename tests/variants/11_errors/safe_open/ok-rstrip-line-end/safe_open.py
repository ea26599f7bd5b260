"""Another correct way: ffi.string, and removing only line-end characters (C already did).

Exercise 11_errors/safe_open: turn C's -1/NULL and errno into Python exceptions.

safe_open_build.py (given: nothing to change there) compiles ``_safe_open_cffi``:

    sf_file *sf_open(const char *path);                     NULL and errno on failure
    int sf_read_line(sf_file *f, char *out, size_t size);   bytes stored, or -1 and errno
    void sf_close(sf_file *f);                              always succeeds, changes errno

Write read_first_line(path) so that it fails the way Python's own open() does:
with OSError(errno, os.strerror(errno), path), which Python turns into the
right subclass by itself (FileNotFoundError, PermissionError, ...).

Grade it:  nox -s grade -- 11_errors/safe_open
"""

import os

from _safe_open_cffi import ffi, lib

LINE_MAX = 4096  # bytes, the NUL included


def _error(path):
    # Read ffi.errno first thing, before any other C call can change it.
    code = ffi.errno
    # OSError with (errno, message, filename) picks the subclass that matches errno.
    return OSError(code, os.strerror(code), path)


def read_first_line(path):
    """The first line of the text file `path` (a str), without its line end, as a str."""
    f = lib.sf_open(os.fsencode(path))
    if f == ffi.NULL:
        raise _error(path)
    try:
        buf = ffi.new("char[]", LINE_MAX)
        n = lib.sf_read_line(f, buf, LINE_MAX)
        if n < 0:
            # The exception (and errno in it) is made before finally closes the file.
            raise _error(path)
        return ffi.string(buf).decode("utf-8").rstrip("\r\n")
    finally:
        # Close on every path, the failing read included; after errno was read.
        lib.sf_close(f)
