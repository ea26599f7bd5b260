"""Fault: store() writes through whatever pointer it gets, NULL included."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("""
    int twice(int x);
    void store(int *p, int value);
""")
ffibuilder.set_source(
    "_segv_cffi",
    """
    int twice(int x) { return 2 * x; }
    void store(int *p, int value) { *(volatile int *)p = value; }
    """,
)
