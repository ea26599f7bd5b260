"""Exercise 08_arrays/divmod, build time: a C function with two out-parameters.

Nothing to change in this file: your work is in divmod.py.

This builder compiles ``_divmod_cffi``. Its C function cannot return two
numbers, so it writes them through two pointers the caller gives it, and
returns a status code instead.

Grade it:  nox -s grade -- 08_arrays/divmod
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    int divmod_c(int a, int b, int *quotient, int *remainder);
""")

ffibuilder.set_source(
    "_divmod_cffi",
    """
    #include <limits.h>

    /* Divides a by b the C way: the quotient is truncated toward zero, and
       the remainder has the sign of a (so -7 / 2 is -3, remainder -1).
       Writes the two results through quotient and remainder, and returns:
          0  on success,
         -1  if b is 0 (division by zero: nothing is written),
         -2  if the quotient does not fit in an int (INT_MIN / -1: nothing
             is written). */
    int divmod_c(int a, int b, int *quotient, int *remainder)
    {
        if (b == 0)
            return -1;
        if (a == INT_MIN && b == -1)
            return -2;
        *quotient = a / b;
        *remainder = a % b;
        return 0;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
