"""Exercise 08_arrays/stats, another correct solution: from_buffer over a memoryview of the array."""

from _stats_cffi import ffi, lib


def total(arr):
    view = memoryview(arr)
    values = ffi.from_buffer("double[]", view)
    return float(lib.sum_doubles(values, view.nbytes // ffi.sizeof("double")))


def mean(arr):
    if len(arr) < 1:
        raise ValueError("mean of nothing")
    return total(arr) / len(arr)
