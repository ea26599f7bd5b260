"""Build the module _gcd_cffi: one C function, the greatest common divisor.

Run it once (python gcd_build.py); then any program can `from _gcd_cffi import lib`.
"""

# --8<-- [start:ffi]
from cffi import FFI

ffibuilder = FFI()
# --8<-- [end:ffi]

# --8<-- [start:cdef]
ffibuilder.cdef("""
    int gcd(int a, int b);
""")
# --8<-- [end:cdef]

# --8<-- [start:source]
ffibuilder.set_source(
    "_gcd_cffi",
    """
    int gcd(int a, int b)
    {
        while (b != 0) {
            int rest = a % b;
            a = b;
            b = rest;
        }
        return a < 0 ? -a : a;
    }
    """,
)
# --8<-- [end:source]

# --8<-- [start:compile]
if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
# --8<-- [end:compile]
