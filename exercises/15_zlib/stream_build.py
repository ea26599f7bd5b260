"""Exercise 15_zlib/stream, build-time half: compile the C function twice() into _stream_cffi.

(Written by `nox -s new`: replace this task with yours, and keep the TODO: marks where the
learner edits.)

Your task: make twice(x) return two times x, computed in C.

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
        return 0;  /* TODO: return two times x */
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
