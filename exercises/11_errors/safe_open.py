"""Exercise 11_errors/safe_open: turn C's -1/NULL and errno into Python exceptions.

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


def read_first_line(path):
    """The first line of the text file `path` (a str), without its line end, as a str."""
    # TODO: open the file with lib.sf_open(os.fsencode(path)). On NULL, raise
    #       OSError(code, os.strerror(code), path), where code is ffi.errno read right away.
    # TODO: read into a char[LINE_MAX] buffer with lib.sf_read_line(). On -1, raise the same
    #       kind of OSError, with the errno of *that* failure.
    # TODO: close the file with lib.sf_close() whatever happens, but only after errno was read:
    #       sf_close changes errno.
    # TODO: return the bytes read, decoded from UTF-8 (ffi.unpack(buf, n) gives exactly n bytes).
    raise NotImplementedError("read_first_line is not written yet")
