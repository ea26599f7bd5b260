"""Wrong: ffi.new("double[]", list(arr)) converts and copies every number before C reads the copy."""

from _stats_cffi import ffi, lib


def total(arr):
    values = ffi.new("double[]", list(arr))
    return lib.sum_doubles(values, len(arr))


def mean(arr):
    if len(arr) == 0:
        raise ValueError("mean of an empty array")
    return total(arr) / len(arr)
