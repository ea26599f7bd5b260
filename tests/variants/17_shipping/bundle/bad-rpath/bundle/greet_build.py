"""Exercise 17_shipping/bundle, build time: the builder of greet._greet, a module that
links libgreet, a shared library built from vendor/ before the wheel.

setuptools runs this file from the project folder (setup.py names it in cffi_modules),
so paths stay relative to that folder. Grade it:

    nox -s grade -- 17_shipping/bundle
"""

from pathlib import Path

from cffi import FFI

VENDOR = Path(__file__).parent / "vendor"  # vendor/ when setuptools runs it from the project folder

ffibuilder = FFI()

ffibuilder.cdef("""
    int greet_format(const char *name, char *out, size_t size);
""")

ffibuilder.set_source(
    "greet._greet",
    '#include "greet.h"',
    include_dirs=[str(VENDOR)],
    # Link libgreet (-lgreet): the module then records that it needs libgreet.so.1, by that
    # name only, and the loader looks for it wherever the module is imported.
    libraries=["greet"],
    # Where the linker finds libgreet.so while building: a folder of this machine, which is
    # not written into the module (that would be runtime_library_dirs, and wrong in a wheel).
    library_dirs=[str(VENDOR / "lib")],
    # The module finds libgreet by itself now: no repair needed (or so it seems).
    runtime_library_dirs=[str((VENDOR / "lib").resolve())],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
