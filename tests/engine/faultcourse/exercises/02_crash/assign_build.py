"""Fault: `if (out = NULL)` where `==` was meant: the pointer becomes NULL, then is written."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("""
    int fill(int *out, int value);
    int triple(int x);
""")
ffibuilder.set_source(
    "_assign_cffi",
    """
    int fill(int *out, int value) {
        if (out = NULL)
            return -1;
        *(volatile int *)out = value;
        return 0;
    }
    int triple(int x) { return 3 * x; }
    """,
)
