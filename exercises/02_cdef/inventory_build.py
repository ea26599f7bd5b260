"""Exercise 02_cdef/inventory: declare a C header for Python.

inventory.h, next to this script, is the header of a small C library
(inventory.c is its code). Use both as they are: do not edit them. The
set_source() call below already compiles the library into a module named
``_inventory_cffi``; what is missing is the cdef().

Write the cdef() so that Python can use everything inventory.h offers: its
three constants, its two type names, its enum with all four values, and its
six functions, each with the same types as in the header. cdef() cannot read
the header for you, and it refuses some of what a header may contain.

Grade it:  nox -s grade -- 02_cdef/inventory
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

ffibuilder.cdef("""
    /* TODO: declare what inventory.h declares: constants, types, the enum, the functions. */
""")

# Given: compile inventory.c into the module and let the compiler find inventory.h
# (lesson 03 explains sources= and include_dirs=).
ffibuilder.set_source(
    "_inventory_cffi",
    '#include "inventory.h"',
    sources=[str(HERE / "inventory.c")],
    include_dirs=[str(HERE)],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
