"""Exercise 07_structs/layout, build time: declare a struct you only partly need.

reading.h and reading.c are a small sensor library (given: nothing to change
there). Python needs three fields of its struct reading: channel, value and
unit. The rest (flags, sequence, priv) belongs to the library, and part of
it changes with the platform: `long` is 8 bytes on Linux and macOS but 4 on
Windows, and that moves every field after it.

Your task is the cdef(): declare struct reading so that cffi takes its
layout (size, padding, offsets) from the C compiler, wherever the module is
built; then the two functions.

Grade it:  nox -s grade -- 07_structs/layout
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent

ffibuilder = FFI()

# Only the fields Python uses, in any order, then `...;`: the C compiler,
# which reads reading.h, supplies the size, the padding and every offset.
ffibuilder.cdef("""
    struct reading {
        char unit[6];
        double value;
        int channel;
        ...;
    };

    void reading_init(struct reading *r, int channel);
    long reading_set(struct reading *r, double value, const char *unit);
""")

ffibuilder.set_source(
    "_layout_cffi",
    '#include "reading.h"',
    sources=[str(HERE / "reading.c")],
    include_dirs=[str(HERE)],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
