"""Exercise 08_arrays/stats: let C read an array.array of doubles where it lies.

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
    # TODO: give C a pointer to arr's own doubles (no copy), typed as an array of doubles.
    # TODO: call lib.sum_doubles with it and the number of doubles.
    raise NotImplementedError("total is not written yet")


def mean(arr):
    """The mean of the array.array('d') arr, from C's sum; ValueError if arr is empty."""
    # TODO: refuse an empty array with ValueError, then divide total(arr) by the number of values.
    raise NotImplementedError("mean is not written yet")
