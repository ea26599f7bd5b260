"""Exercise 17_shipping/wheels, build-time half: compile the C function twice() into _wheels_cffi.

(Written by `nox -s new`: replace this task with yours, and keep the TODO: marks where the
learner edits.)

Your task: make twice(x) return two times x, computed in C.

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
        return 0;  /* TODO: return two times x */
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
