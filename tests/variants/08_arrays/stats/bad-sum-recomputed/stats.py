"""A likely mistake: total() calls C, then returns Python's own sum of the array.

sum() adds the doubles in the same order as C, so every answer is right; only its origin is wrong.

Exercise 08_arrays/stats: let C read an array.array of doubles where it lies.

stats_build.py (given: nothing to change there) compiles ``_stats_cffi``:

    double sum_doubles(const double *values, size_t count);
        the sum of the count doubles at values.

An array.array('d') stores its numbers as C doubles, one after the other, in
a block of memory: exactly what sum_doubles() reads. Finish total() and
mean() below so that C reads that block itself, with no copy of the numbers,
however many there are.

Grade it:  nox -s grade -- 08_arrays/stats
"""

from _stats_cffi import ffi, lib


def total(arr):
    """The sum of the array.array('d') arr, computed by C: total(array('d', [1.5, 2.5])) == 4.0."""
    # The typed form views arr's own memory as a C double[]: no copy, and len() counts doubles.
    values = ffi.from_buffer("double[]", arr)
    lib.sum_doubles(values, len(values))
    return sum(arr, 0.0)


def mean(arr):
    """The mean of the array.array('d') arr, from C's sum; ValueError if arr is empty."""
    # C would divide 0.0 by 0 and return nan without a word: the empty case is decided in Python.
    if len(arr) == 0:
        raise ValueError("mean() of an empty array")
    return total(arr) / len(arr)
