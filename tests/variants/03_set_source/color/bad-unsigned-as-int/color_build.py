"""A likely mistake: rgb_pack declared as returning int (color.h says unsigned int).

Exercise 03_set_source/color: build a module from a C library's own files.

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
    /* Copied from color.h: cdef() has no preprocessor, so it cannot #include the header. */
    int rgb_pack(int red, int green, int blue);
    int rgb_gray(unsigned int color);
    unsigned int rgb_mix(unsigned int a, unsigned int b);
""")

ffibuilder.set_source(
    "_color_cffi",
    """
    /* The real compiler reads this: the glue cffi writes after it calls the three functions. */
    #include "color.h"
    """,
    # Absolute paths: cffi resolves relative ones from the folder it compiles in, not from here.
    sources=[str(HERE / "color.c")],
    # The generated C file is written in the build folder, so "color.h" is not next to it.
    include_dirs=[str(HERE)],
    # Reaches every C file of the module; a #define in the string above would only reach that string.
    define_macros=[("COLOR_SATURATE", None)],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
