"""Wrong: a list passed to C is turned into a temporary C array: a copy of every number, at every call."""

from _stats_cffi import lib


def total(arr):
    return lib.sum_doubles(arr.tolist(), len(arr))


def mean(arr):
    if len(arr) == 0:
        raise ValueError("mean of an empty array")
    return total(arr) / len(arr)
