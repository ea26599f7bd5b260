"""Wrong: long instead of int. Every sum is right; the signature is not."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("""
    long add(long a, long b);
""")
ffibuilder.set_source(
    "_hello_cffi",
    """
    long add(long a, long b) {
        return a + b;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
