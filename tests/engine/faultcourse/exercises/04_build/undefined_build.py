"""Fault: sub() is declared in cdef() and defined in no C code."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("""
    int add(int a, int b);
    int sub(int a, int b);
""")
ffibuilder.set_source(
    "_undefined_cffi",
    """
    int add(int a, int b) { return a + b; }
    """,
)
