"""Wrong: the C function is written, but cdef() never declares it, so lib has no add."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("""
""")
ffibuilder.set_source(
    "_hello_cffi",
    """
    int add(int a, int b) {
        return a + b;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
