"""Fault: a function body in cdef()."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("""
    int add(int a, int b);
    int sub(int a, int b) { return a - b; }
""")
ffibuilder.set_source(
    "_cdef_cffi",
    """
    int add(int a, int b) { return a + b; }
    int sub(int a, int b) { return a - b; }
    """,
)
