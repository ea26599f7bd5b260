"""Exercise 15_zlib/oneshot, build time: zlib's one-shot compress2() and uncompress().

Nothing to change in this file: your work is in oneshot.py.

It declares the part of zlib.h the exercise uses: the functions, the types they take, and
the return codes as `#define NAME ...`, whose values the compiler takes from zlib.h.
The library is found as in checksum_build.py.

Grade it:  nox -s grade -- 15_zlib/oneshot
"""

import os
import sys

from cffi import FFI, PkgConfigError

ffibuilder = FFI()

ffibuilder.cdef("""
    typedef unsigned char Bytef;
    typedef unsigned long uLong;
    typedef unsigned long uLongf;

    #define Z_OK ...
    #define Z_STREAM_ERROR ...
    #define Z_DATA_ERROR ...
    #define Z_MEM_ERROR ...
    #define Z_BUF_ERROR ...
    #define Z_DEFAULT_COMPRESSION ...

    uLong compressBound(uLong sourceLen);
    int compress2(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen, int level);
    int uncompress(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen);
    const char *zError(int err);
""")

SOURCE = """
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



set_source_zlib(ffibuilder, "_oneshot_cffi", SOURCE)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
