"""Build _temps_cffi from temps.c and temps.h, the two files next to this script.

Run it from any folder: python path/to/temps_build.py
"""

# --8<-- [start:builder]
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # the folder of this script, wherever Python was started

ffibuilder = FFI()
ffibuilder.cdef("""
    double c_to_f(double celsius);
    double f_to_c(double fahrenheit);
""")
ffibuilder.set_source(
    "_temps_cffi",
    '#include "temps.h"',             # the glue after this line calls c_to_f and f_to_c
    sources=[str(HERE / "temps.c")],  # compiled too, and linked into the same module
    include_dirs=[str(HERE)],         # where the compiler finds temps.h
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
# --8<-- [end:builder]
