"""Build geo._geo_cffi: a compiled module inside the package geo/ next to this script."""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent

ffibuilder = FFI()
ffibuilder.cdef("int manhattan(int x1, int y1, int x2, int y2);")
ffibuilder.set_source(
    "geo._geo_cffi",  # package geo, module _geo_cffi
    """
    #include <stdlib.h>

    int manhattan(int x1, int y1, int x2, int y2)
    {
        return abs(x2 - x1) + abs(y2 - y1);
    }
    """,
)

if __name__ == "__main__":
    # tmpdir is the folder that holds the package: the dotted name adds geo/.
    ffibuilder.compile(tmpdir=str(HERE), verbose=True)
