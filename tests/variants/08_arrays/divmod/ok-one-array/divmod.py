"""Exercise 08_arrays/divmod, another correct solution: one C array of two ints, and pointer arithmetic."""

from _divmod_cffi import ffi, lib


def c_divmod(a, b):
    out = ffi.new("int[2]")
    # out decays to a pointer to out[0]; out + 1 points to out[1].
    status = lib.divmod_c(a, b, out, out + 1)
    if status == -1:
        raise ZeroDivisionError("division by zero")
    if status == -2:
        raise OverflowError("the quotient does not fit in an int")
    return tuple(out)
