"""Exercise 15_zlib/stream, run-time half: a Python function around the C one.

Grade it:  nox -s grade -- 15_zlib/stream
"""

from _stream_cffi import lib


def twice(x):
    """Two times x, as the C function twice computes it."""
    return lib.twice(x)
