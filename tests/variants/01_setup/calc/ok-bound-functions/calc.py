"""Another correct run-time module: the C functions bound to names once, at import."""

from _calc_cffi import ffi, lib

__all__ = ["divide", "ffi", "modulo"]

_c_divide = lib.divide
_c_modulo = lib.modulo


def divide(a, b):
    if b == 0:
        raise ZeroDivisionError("division by zero")
    return _c_divide(a, b)


def modulo(a, b):
    if b == 0:
        raise ZeroDivisionError("modulo by zero")
    return _c_modulo(a, b)
