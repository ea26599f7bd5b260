"""Wrong: unsigned ints. Positive sums are right; negative arguments are refused."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("""
    unsigned int add(unsigned int a, unsigned int b);
""")
ffibuilder.set_source(
    "_hello_cffi",
    """
    unsigned int add(unsigned int a, unsigned int b) {
        return a + b;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
