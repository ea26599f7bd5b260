"""Wrong: treats every non-zero status as a division by zero (INT_MIN / -1 is an overflow, status -2)."""

from _divmod_cffi import ffi, lib


def c_divmod(a, b):
    q, r = ffi.new("int *"), ffi.new("int *")
    if lib.divmod_c(a, b, q, r) != 0:
        raise ZeroDivisionError("division by zero")
    return q[0], r[0]
