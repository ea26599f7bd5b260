"""Another correct builder: parameter names left out of cdef(), one string per function."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("int divide(int, int); int modulo(int, int);")
ffibuilder.set_source(
    "_calc_cffi",
    "int divide(int a, int b) { return a / b; }\n"
    "int modulo(int n, int d) { int r = n % d; return r; }\n",
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
