"""Exercise 10_memory/series: fix a keep-alive bug.

series_build.py (given: nothing to change there) compiles ``_series_cffi``, a
C library whose ``series_init(s, label, values, count)`` does NOT copy the
label or the values: it keeps the two pointers in the struct ``*s``, and
``series_mean``, ``series_max`` and ``series_describe`` read through them later.

The class below runs, and on a quiet day even gives the right answers. But
each piece of C memory it hands over is owned by a Python object that dies
at the end of the line that made it, so C keeps pointers to freed memory.
Fix it: every owner must live exactly as long as the Series that C reads it
through (no longer: a Series that is dropped frees its memory).

Grade it:  nox -s grade -- 10_memory/series
"""

from _series_cffi import ffi, lib


class Series:
    """A labelled list of numbers, kept in C memory and summarised by C."""

    def __init__(self, label, values):
        # TODO: C keeps the label pointer: the bytes must be C memory (ffi.new) that this object
        #       keeps alive. A bytes object passed straight to C is only valid during that one call.
        # TODO: C keeps the values pointer: keep the array's owner alive as well.
        self._s = ffi.new("struct series *")
        lib.series_init(self._s, label.encode("utf-8"), ffi.new("double[]", values), len(values))

    def replace(self, values):
        """Give the series new values (the label stays)."""
        # TODO: assigning to a pointer field stores the address only: nothing keeps the new array alive.
        self._s.values = ffi.new("double[]", values)
        self._s.count = len(values)

    def mean(self):
        return lib.series_mean(self._s)

    def max(self):
        return lib.series_max(self._s)

    def describe(self):
        """'label: N values, mean M', written by C."""
        out = ffi.new("char[]", 200)
        lib.series_describe(self._s, out, len(out))
        return ffi.string(out).decode("utf-8")
