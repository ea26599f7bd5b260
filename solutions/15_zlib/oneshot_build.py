"""Exercise 15_zlib/oneshot, build-time half: compile the C function twice() into _oneshot_cffi.

Grade it:  nox -s grade -- 15_zlib/oneshot
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    int twice(int x);
""")

ffibuilder.set_source(
    "_oneshot_cffi",
    """
    int twice(int x) {
        return 2 * x;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
