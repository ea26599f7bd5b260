"""Exercise 15_zlib/stream, build time: zlib's streaming inflate and its z_stream.

Nothing to change in this file: your work is in stream.py.

z_stream is declared with only the fields Python reads or writes, then `...;`: the
compiler fills in the rest of the layout from zlib.h (its size, every offset).
inflateInit() is a macro in zlib.h (it calls inflateInit_() with the header's version
and sizeof(z_stream)); declared here as a function, API mode makes it callable.

Grade it:  nox -s grade -- 15_zlib/stream
"""

import os
import sys

from cffi import FFI, PkgConfigError

ffibuilder = FFI()

ffibuilder.cdef("""
    typedef unsigned char Bytef;
    typedef unsigned int uInt;
    typedef unsigned long uLong;

    typedef struct {
        Bytef *next_in;         /* the next input byte */
        uInt avail_in;          /* how many bytes are there */
        Bytef *next_out;        /* where the next output byte goes */
        uInt avail_out;         /* how much room is left there */
        char *msg;              /* zlib's message for the last error, or NULL */
        ...;
    } z_stream;

    #define Z_OK ...
    #define Z_STREAM_END ...
    #define Z_NEED_DICT ...
    #define Z_STREAM_ERROR ...
    #define Z_DATA_ERROR ...
    #define Z_MEM_ERROR ...
    #define Z_BUF_ERROR ...
    #define Z_NO_FLUSH ...

    int inflateInit(z_stream *strm);
    int inflate(z_stream *strm, int flush);
    int inflateEnd(z_stream *strm);
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



set_source_zlib(ffibuilder, "_stream_cffi", SOURCE)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
