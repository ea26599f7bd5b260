"""Another correct run-time module: the C functions captured as default arguments."""

from _calc_cffi import lib


def divide(a, b, _c_divide=lib.divide):
    if b == 0:
        raise ZeroDivisionError("divide() by zero")
    return _c_divide(a, b)


def modulo(a, b, _c_modulo=lib.modulo):
    if b == 0:
        raise ZeroDivisionError("modulo() by zero")
    return _c_modulo(a, b)
