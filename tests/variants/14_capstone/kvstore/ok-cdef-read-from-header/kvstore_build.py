"""Exercise 14_capstone/kvstore, build time: compile kv.c into ``_kvstore_cffi`` (solution).

kv.h and kv.c, next to this script, are the C library (use them as they
are). The cdef below is kv.h's declarations, copied without the
preprocessor lines that cdef() cannot read. The C source #includes the real
header, so the compiler sees its declarations next to the code cffi
generates from this copy, and complains where they disagree.

Grade it:  nox -s grade -- 14_capstone
"""

import re
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

_HEADER = (HERE / "kv.h").read_text(encoding="utf-8")
# kv.h has no preprocessor lines between its two "----" marker lines: cdef() can read that part as it is.
_DECLARATIONS = re.search(r"/\* ---- the declarations below .*? \*/(.*)/\* ---- end of the declarations", _HEADER,
                          re.S).group(1)

ffibuilder.cdef(_DECLARATIONS + """
    extern "Python" int kv_visit(const char *key, const char *value, size_t len, void *userdata);
""")

ffibuilder.set_source(
    "_kvstore_cffi",
    '#include "kv.h"   /* the real declarations, next to the code cffi generates from the cdef */',
    # Absolute paths: cffi resolves relative ones from the folder it compiles in.
    sources=[str(HERE / "kv.c")],
    include_dirs=[str(HERE)],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
