"""Wrong: uses double instead of int. lib.add(5, 3) gives 8.0, which == 8, so
only the signature check can tell."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("""
    double add(double a, double b);
""")
ffibuilder.set_source(
    "_hello_cffi",
    """
    double add(double a, double b) {
        return a + b;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
