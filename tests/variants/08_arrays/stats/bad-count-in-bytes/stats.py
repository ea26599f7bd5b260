"""Wrong: the untyped view's length is in bytes, 8 times the number of doubles: C would read past the end."""

from _stats_cffi import ffi, lib


def total(arr):
    view = ffi.from_buffer(arr)
    return lib.sum_doubles(ffi.cast("double *", view), len(view))


def mean(arr):
    if len(arr) == 0:
        raise ValueError("mean of an empty array")
    return total(arr) / len(arr)
