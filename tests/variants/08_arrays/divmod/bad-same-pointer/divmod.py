"""Wrong: one C int for both results, so the remainder overwrites the quotient (right only when they are equal)."""

from _divmod_cffi import ffi, lib


def c_divmod(a, b):
    out = ffi.new("int *")
    status = lib.divmod_c(a, b, out, out)
    if status == -1:
        raise ZeroDivisionError("division by zero")
    if status == -2:
        raise OverflowError("the quotient does not fit in an int")
    return out[0], out[0]
