"""A likely mistake: describe() and max() are worked out in Python, from a list the Series keeps.

The text and the numbers are right, but they are not what C gives (and C's describe never runs).

Exercise 10_memory/series: fix a keep-alive bug (solution).

series_build.py (given: nothing to change there) compiles ``_series_cffi``, a
C library whose ``series_init(s, label, values, count)`` does NOT copy the
label or the values: it keeps the two pointers in the struct ``*s``, and
``series_mean``, ``series_max`` and ``series_describe`` read through them later.

Every piece of C memory that C keeps a pointer to is owned by an attribute of
the Series, so it lives exactly as long as the Series does.

Grade it:  nox -s grade -- 10_memory/series
"""

from _series_cffi import ffi, lib


class Series:
    """A labelled list of numbers, kept in C memory and summarised by C."""

    def __init__(self, label, values):
        # C stores both pointers: their owners are attributes, alive as long as self.
        self._label = ffi.new("char[]", label.encode("utf-8"))
        self._name, self._numbers = label, list(values)
        self._values = ffi.new("double[]", values)
        self._s = ffi.new("struct series *")
        lib.series_init(self._s, self._label, self._values, len(values))

    def replace(self, values):
        """Give the series new values (the label stays)."""
        self._values = ffi.new("double[]", values)  # the old array may die now: C no longer uses it
        self._numbers = list(values)
        self._s.values = self._values
        self._s.count = len(values)

    def mean(self):
        return lib.series_mean(self._s)

    def max(self):
        return max(self._numbers)

    def describe(self):
        """'label: N values, mean M'."""
        return f"{self._name}: {len(self._numbers)} values, mean {self.mean():.2f}"
