"""Exercise 17_shipping/stubs, build-time half: compile the C function twice() into _stubs_cffi.

Grade it:  nox -s grade -- 17_shipping/stubs
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    int twice(int x);
""")

ffibuilder.set_source(
    "_stubs_cffi",
    """
    int twice(int x) {
        return x * x;  /* a likely mistake: the square, right for 0 and 2 only */
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
