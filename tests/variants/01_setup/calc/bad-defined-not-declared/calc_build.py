"""Wrong: modulo is written in C but not declared in cdef(), so lib has no modulo."""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    int divide(int a, int b);
""")

ffibuilder.set_source(
    "_calc_cffi",
    """
    int divide(int a, int b) {
        return a / b;
    }

    int modulo(int a, int b) {
        return a % b;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
