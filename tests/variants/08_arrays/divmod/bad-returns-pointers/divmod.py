"""Wrong: returns the cdata pointers themselves instead of the ints C wrote through them."""

from _divmod_cffi import ffi, lib


def c_divmod(a, b):
    q, r = ffi.new("int *"), ffi.new("int *")
    status = lib.divmod_c(a, b, q, r)
    if status == -1:
        raise ZeroDivisionError("division by zero")
    if status == -2:
        raise OverflowError("the quotient does not fit in an int")
    return q, r
