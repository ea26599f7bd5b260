"""Exercise 17_shipping/wheels, build-time half: compile the C function twice() into _wheels_cffi.

Grade it:  nox -s grade -- 17_shipping/wheels
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    int twice(int x);
""")

ffibuilder.set_source(
    "_wheels_cffi",
    """
    int twice(int x) {
        return x + x;  /* another correct way */
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
