"""Exercise 05_abi_api/geom: use a library you did not build.

geom.h and geom.c are a small C library. Its users do not compile it: they
receive it already built, as one shared library file whose name depends on the
system. The grader builds it for you (in its cache, never in this folder) and
tells your code which folder it is in.

Complete this module, in ABI mode (no C compiler):

1. library_filename(name): the file name of the shared library called `name`
   on the system this runs on: library_filename("geom") is "libgeom.so" on
   Linux, "libgeom.dylib" on macOS and "geom.dll" on Windows. The grader
   checks all three systems, whichever one you are on.
2. Declare the two functions of geom.h in cdef().
3. load(folder): open the geom library in `folder` (a pathlib.Path) with
   ffi.dlopen() and return the library object it gives, so that
   load(folder).geom_quadrant(-1.0, 2.0) == 2.

Grade it:  nox -s grade -- 05_abi_api/geom
"""

import os
import sys

from cffi import FFI

ffi = FFI()

# Copied from geom.h, types and all: in ABI mode nothing checks them against the library.
ffi.cdef("""
    double geom_triangle_area(double ax, double ay, double bx, double by, double cx, double cy);
    int geom_quadrant(double x, double y);
""")


def library_filename(name):
    """The file name of the shared library called `name` on this system."""
    # Each system has its own convention: NAME.dll on Windows, libNAME.dylib on macOS, libNAME.so elsewhere.
    if os.name == "nt":
        return name + ".dll"
    return "lib" + name + (".dylib" if sys.platform == "darwin" else ".so")


def load(folder):
    """Open the geom library in `folder` with ffi.dlopen() and return it."""
    # A full path, as a str: a bare file name would be searched in the system's folders, not in `folder`.
    global _lib
    _lib = ffi.dlopen(os.path.join(os.fspath(folder), library_filename("geom")))
    return _lib


_lib = None
