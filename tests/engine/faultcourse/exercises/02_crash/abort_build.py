"""Fault: release() calls free() on memory that malloc() did not return."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("""
    void release(void *p);
    int three(void);
""")
ffibuilder.set_source(
    "_abort_cffi",
    """
    #include <stdlib.h>
    /* Past the start of the block: no allocator can take that pointer back, so
       free() aborts at once on CPython and on PyPy alike (whose own ffi.new memory
       may come from malloc, where free(p) itself would only fail later). */
    void release(void *p) { free((char *)p + 8); }
    int three(void) { return 3; }
    """,
)
