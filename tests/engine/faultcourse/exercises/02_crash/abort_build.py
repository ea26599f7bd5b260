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
    void release(void *p) { free(p); }
    int three(void) { return 3; }
    """,
)
