"""Exercise 17_shipping/wheels, run-time half: a Python function around the C one.

It never builds anything: it imports the module that wheels_build.py compiled,
``_wheels_cffi``.

Grade it:  nox -s grade -- 17_shipping/wheels
"""

from _wheels_cffi import lib


def twice(x):
    """Two times x, as the C function twice computes it."""
    # TODO: return the result of the C function `twice`, called through lib.
    raise NotImplementedError("twice is not written yet")
