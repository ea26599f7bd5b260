"""Exercise 03_set_source/color: build a module from a C library's own files.

color.h and color.c, next to this script, are a small C library for RGB
colours. Use them as they are: do not edit or copy them. Complete this
builder so that it compiles them into a module named ``_color_cffi``:

1. Declare the library's three functions for Python. They are listed in
   color.h, which cdef() cannot read for you.
2. Make the C code of set_source() know those functions, compile color.c
   into the module, and let the compiler find color.h. Every path must work
   whatever folder the builder runs in.
3. Turn on the library's COLOR_SATURATE option (color.h says what it does)
   for every C file of the module.

Grade it:  nox -s grade -- 03_set_source/color
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

ffibuilder.cdef("""
    /* TODO: declare the three functions of color.h. */
""")

ffibuilder.set_source(
    "_color_cffi",
    """
    /* TODO: make the declarations of color.h known to this C code. */
    """,
    # TODO: compile color.c into the module as well, and tell the compiler where color.h is.
    # TODO: define COLOR_SATURATE for every C file of the module.
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
