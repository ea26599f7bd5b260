"""Exercise 17_shipping/wheels, run-time half: a Python function around the C one.

Grade it:  nox -s grade -- 17_shipping/wheels
"""

from _wheels_cffi import lib


def twice(x):
    """Two times x, as the C function twice computes it."""
    return lib.twice(x)
