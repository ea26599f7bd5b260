"""A likely mistake: the wrappers call C, then return an answer computed again in Python.

int(a / b) truncates toward zero like C, so every answer is right; only its origin is wrong.

Exercise 01_setup/calc, run-time half: Python functions around the C ones.

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
    # The check runs in Python, before C: in C, dividing by zero is undefined (usually a crash), never an exception.
    if b == 0:
        raise ZeroDivisionError("divide() by zero")
    # lib.divide is the compiled C function; cffi converts the ints both ways.
    lib.divide(a, b)
    return int(a / b)


def modulo(a, b):
    """The remainder of a divided by b as C computes it (same sign as a)."""
    # Same reason as in divide(): C's % by zero crashes instead of raising.
    if b == 0:
        raise ZeroDivisionError("modulo() by zero")
    # Only C's % gives -1 for modulo(-7, 3); Python's would give 2.
    lib.modulo(a, b)
    return a - b * int(a / b)
