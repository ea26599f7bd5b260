"""Exercise 15_zlib/checksum, build time: zlib's checksums, and C's snprintf.

Nothing to change in this file: your work is in checksum.py.

It declares what the exercise uses of zlib.h (two functions and the types they take) and
of stdio.h (snprintf, a variadic function), and links the system's zlib: found through
pkg-config where it knows zlib, else by its usual name (the lesson's "Finding the
library" section says why both).

Grade it:  nox -s grade -- 15_zlib/checksum
"""

import os
import sys

from cffi import FFI, PkgConfigError

ffibuilder = FFI()

ffibuilder.cdef("""
    typedef unsigned char Bytef;
    typedef unsigned int uInt;
    typedef unsigned long uLong;

    uLong adler32(uLong adler, const Bytef *buf, uInt len);
    uLong crc32(uLong crc, const Bytef *buf, uInt len);

    int snprintf(char *str, size_t size, const char *format, ...);
""")

SOURCE = """
    #include <stdio.h>
    #include <zlib.h>
"""


def set_source_zlib(ffi, module_name, source):
    """set_source() with zlib's compiler and linker flags: from pkg-config where it knows
    zlib (most Linux systems, Homebrew, MSYS2), else the usual names."""
    try:
        ffi.set_source_pkgconfig(module_name, ["zlib"], source)
    except PkgConfigError:
        # No pkg-config, or no zlib.pc (macOS's SDK, Windows): the compiler's own folders,
        # plus, on Windows, a conda environment's Library/ folders, where conda puts zlib.
        # The library is libz (-lz) on POSIX, zlib.lib on Windows (conda, vcpkg).
        extra = {}
        if sys.platform == "win32":
            library = os.path.join(sys.prefix, "Library")
            if os.path.isdir(library):
                extra = {"include_dirs": [os.path.join(library, "include")],
                         "library_dirs": [os.path.join(library, "lib")]}
        ffi.set_source(module_name, source, libraries=["zlib" if sys.platform == "win32" else "z"], **extra)


set_source_zlib(ffibuilder, "_checksum_cffi", SOURCE)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
