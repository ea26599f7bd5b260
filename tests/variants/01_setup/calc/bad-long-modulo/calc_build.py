"""Wrong: modulo takes and returns long; every value is right, the signature is not."""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    int divide(int a, int b);
    long modulo(long a, long b);
""")

ffibuilder.set_source(
    "_calc_cffi",
    """
    int divide(int a, int b) {
        return a / b;
    }

    long modulo(long a, long b) {
        return a % b;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
