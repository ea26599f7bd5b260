"""A likely mistake: C is called (for its status), and the answer is computed again in Python.

int(a / b) truncates toward zero like C, so every real division gives the right pair.

Exercise 08_arrays/divmod: get two results back from C through out-parameters.

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
    # Python has no `&x`: ffi.new("int *") is a C int of our own, and the pointer to it.
    quotient = ffi.new("int *")
    remainder = ffi.new("int *")
    status = lib.divmod_c(a, b, quotient, remainder)
    # C cannot raise: it reports through its return value, and we turn that into Python's exceptions.
    if status == -1:
        raise ZeroDivisionError(f"c_divmod({a}, {b}): division by zero")
    if status == -2:
        raise OverflowError(f"c_divmod({a}, {b}): the quotient does not fit in a C int")
    q = int(a / b)  # truncates toward zero, like C
    return q, a - b * q
