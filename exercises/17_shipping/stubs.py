"""Exercise 17_shipping/stubs, run-time half: a Python function around the C one.

It never builds anything: it imports the module that stubs_build.py compiled,
``_stubs_cffi``.

Grade it:  nox -s grade -- 17_shipping/stubs
"""

from _stubs_cffi import lib


def twice(x):
    """Two times x, as the C function twice computes it."""
    # TODO: return the result of the C function `twice`, called through lib.
    raise NotImplementedError("twice is not written yet")
