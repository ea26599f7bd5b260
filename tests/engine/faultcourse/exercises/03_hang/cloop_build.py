"""Fault: spin() never returns."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("""
    int spin(int n);
    int one(void);
""")
ffibuilder.set_source(
    "_cloop_cffi",
    """
    int spin(int n) {
        volatile int i = 0;
        while (i < n) { /* forgot i++ */ }
        return i;
    }
    int one(void) { return 1; }
    """,
)
