"""Exercise 15_zlib/oneshot, run-time half: a Python function around the C one.

Grade it:  nox -s grade -- 15_zlib/oneshot
"""

from _oneshot_cffi import lib


def twice(x):
    """Two times x, as the C function twice computes it."""
    return lib.twice(x)
