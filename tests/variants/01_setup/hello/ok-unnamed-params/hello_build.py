"""Another correct solution: parameter names left out of cdef(), different ones in C."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("int add(int, int);")
ffibuilder.set_source(
    "_hello_cffi",
    """
    int add(int left, int right)
    {
        int total = left + right;
        return total;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
