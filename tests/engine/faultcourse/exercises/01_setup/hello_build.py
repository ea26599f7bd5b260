"""Healthy: a module _hello_cffi with int add(int, int)."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("int add(int a, int b);")
ffibuilder.set_source(
    "_hello_cffi",
    """
    int add(int a, int b) { return a + b; }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
