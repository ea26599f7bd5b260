"""Exercise 08_arrays/stats, another correct solution: an untyped view cast to double *, counted in doubles."""

from _stats_cffi import ffi, lib


def total(arr):
    if len(arr) == 0:
        return 0.0
    return lib.sum_doubles(ffi.cast("double *", ffi.from_buffer(arr)), len(arr))


def mean(arr):
    n = len(arr)
    if not n:
        raise ValueError("no values")
    return total(arr) / n
