"""A likely mistake: color.c's code pasted into set_source(), color.c never compiled.

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
    unsigned int rgb_pack(int red, int green, int blue);
    int rgb_gray(unsigned int color);
    unsigned int rgb_mix(unsigned int a, unsigned int b);
""")

ffibuilder.set_source(
    "_color_cffi",
    """
    /* The real compiler reads this: the glue cffi writes after it calls the three functions. */
    #include "color.h"
    /* color.c: the implementation of color.h (see there for what each function
     * does). Comes with exercise 03_set_source/color: do not edit it.
     */

    /* The helpers are static: private to this file, invisible to the linker. */

    static unsigned int component(int value)
    {
    #ifdef COLOR_SATURATE
        if (value < 0)
            return 0;
        if (value > 255)
            return 255;
        return (unsigned int)value;
    #else
        return (unsigned int)value & 0xFFu;
    #endif
    }

    static int channel(unsigned int color, int shift)
    {
        return (int)((color >> shift) & 0xFFu);
    }

    unsigned int rgb_pack(int red, int green, int blue)
    {
        return component(red) << 16 | component(green) << 8 | component(blue);
    }

    int rgb_gray(unsigned int color)
    {
        int weighted = 299 * channel(color, 16) + 587 * channel(color, 8) + 114 * channel(color, 0);
        return (weighted + 500) / 1000;
    }

    unsigned int rgb_mix(unsigned int a, unsigned int b)
    {
        unsigned int mixed = 0;
        int shift;
        for (shift = 0; shift <= 16; shift += 8)
            mixed |= (unsigned int)((channel(a, shift) + channel(b, shift)) / 2) << shift;
        return mixed;
    }
    """,
    # Absolute paths: cffi resolves relative ones from the folder it compiles in, not from here.
    # The generated C file is written in the build folder, so "color.h" is not next to it.
    include_dirs=[str(HERE)],
    # Reaches every C file of the module; a #define in the string above would only reach that string.
    define_macros=[("COLOR_SATURATE", None)],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
