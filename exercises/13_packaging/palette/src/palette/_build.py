"""Exercise 13_packaging/palette, build time: the builder of palette._native.

Nothing to change in this file. It compiles palette.c, which includes
palette.h, next to it. Paths come from this file's folder, and stay relative
(no .resolve()): setuptools runs this builder from the project folder and
refuses absolute paths.

Grade it:  nox -s grade -- 13_packaging/palette
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # src/palette when setuptools runs it from the project folder

ffibuilder = FFI()

ffibuilder.cdef("""
    typedef uint32_t palette_rgb;
    palette_rgb palette_mix(palette_rgb a, palette_rgb b, int percent);
    int palette_luma(palette_rgb colour);
""")

ffibuilder.set_source(
    "palette._native",
    '#include "palette.h"',
    sources=[str(HERE / "palette.c")],
    include_dirs=[str(HERE)],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
