"""Exercise 15_zlib/stream, build-time half: compile the C function twice() into _stream_cffi.

Grade it:  nox -s grade -- 15_zlib/stream
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    int twice(int x);
""")

ffibuilder.set_source(
    "_stream_cffi",
    """
    int twice(int x) {
        return 2 * x;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
