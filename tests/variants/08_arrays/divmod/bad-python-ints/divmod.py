"""Wrong: passes Python ints where C wants pointers to write into (as if Python had C's &)."""

from _divmod_cffi import lib


def c_divmod(a, b):
    quotient = remainder = 0
    status = lib.divmod_c(a, b, quotient, remainder)
    if status == -1:
        raise ZeroDivisionError("division by zero")
    if status == -2:
        raise OverflowError("the quotient does not fit in an int")
    return quotient, remainder
