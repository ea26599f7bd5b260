"""Wrong: mean() of an empty array divides by zero (ZeroDivisionError) instead of raising ValueError."""

from _stats_cffi import ffi, lib


def total(arr):
    values = ffi.from_buffer("double[]", arr)
    return lib.sum_doubles(values, len(values))


def mean(arr):
    return total(arr) / len(arr)
