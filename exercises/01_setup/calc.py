"""Exercise 01_setup/calc, run-time half: Python functions around the C ones.

This module is what a user of your code imports. It never builds anything:
it imports the module that calc_build.py compiled, ``_calc_cffi``.

C's integer division and remainder round toward zero, so they differ from
Python's ``//`` and ``%`` for negative numbers: ``divide(-7, 2)`` is -3 and
``modulo(-7, 3)`` is -1. The answers must come from the C functions.

Grade it:  nox -s grade -- 01_setup/calc
"""

from _calc_cffi import lib


def divide(a, b):
    """a divided by b as C computes it (rounded toward zero)."""
    # TODO: raise ZeroDivisionError when b is 0 (C has no exceptions; dividing by zero there crashes).
    # TODO: return the result of the C function `divide`.
    raise NotImplementedError("divide is not written yet")


def modulo(a, b):
    """The remainder of a divided by b as C computes it (same sign as a)."""
    # TODO: raise ZeroDivisionError when b is 0, as in divide().
    # TODO: return the result of the C function `modulo` (declare and write it in calc_build.py first).
    raise NotImplementedError("modulo is not written yet")
