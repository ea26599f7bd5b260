"""Exercise 08_arrays/divmod: get two results back from C through out-parameters.

divmod_build.py (given: nothing to change there) compiles ``_divmod_cffi``:

    int divmod_c(int a, int b, int *quotient, int *remainder);
        divides a by b the C way (truncated toward zero), writes the quotient
        to *quotient and the remainder to *remainder, and returns 0; returns
        -1 if b is 0 and -2 if the quotient does not fit in an int, and then
        writes nothing.

In C you would call it with the addresses of two local variables:

    int q, r;
    if (divmod_c(7, 2, &q, &r) == 0) ...

Python has no `&`. Finish c_divmod() below so that it returns the pair
(quotient, remainder) as two Python ints, computed by C.

Grade it:  nox -s grade -- 08_arrays/divmod
"""

from _divmod_cffi import ffi, lib


def c_divmod(a, b):
    """(quotient, remainder) of a / b as C computes them: c_divmod(-7, 2) == (-3, -1).

    Raises ZeroDivisionError if b is 0, and OverflowError if the quotient does
    not fit in a C int (the C function's status codes -1 and -2).
    """
    # TODO: allocate two C ints for divmod_c to write into.
    # TODO: call lib.divmod_c, and turn its status code into ZeroDivisionError or OverflowError.
    # TODO: return the two values C wrote, as Python ints.
    raise NotImplementedError("c_divmod is not written yet")
