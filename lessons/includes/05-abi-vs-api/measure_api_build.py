"""API mode: compile measure.c into an extension module, _measure_api."""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent

ffibuilder = FFI()
ffibuilder.cdef("""
    int add(int a, int b);
    double rect_area(double width, double height);
""")
ffibuilder.set_source(
    "_measure_api",
    '#include "measure.h"',
    sources=[str(HERE / "measure.c")],
    include_dirs=[str(HERE)],
)

if __name__ == "__main__":
    ffibuilder.compile(tmpdir=str(HERE), verbose=True)
