from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # relative when setuptools runs it: src/tally

ffibuilder = FFI()
ffibuilder.cdef("""
    size_t tally_count(const unsigned char *data, size_t length, unsigned char value);
""")
ffibuilder.set_source(
    "tally._native",  # inside the package tally
    '#include "tally.h"',
    sources=[str(HERE / "tally.c")],
    include_dirs=[str(HERE)],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
