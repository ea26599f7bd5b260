"""Wrong: modulo is computed with Python's %, which differs from C's for negatives."""

from _calc_cffi import lib


def divide(a, b):
    if b == 0:
        raise ZeroDivisionError("divide() by zero")
    return lib.divide(a, b)


def modulo(a, b):
    return a % b
