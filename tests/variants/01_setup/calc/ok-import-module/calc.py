"""Another correct run-time module: imports the compiled module, not its names."""

import _calc_cffi


def _nonzero(b):
    if not b:
        raise ZeroDivisionError("integer division or modulo by zero")


def divide(a, b):
    _nonzero(b)
    return _calc_cffi.lib.divide(a, b)


def modulo(a, b):
    _nonzero(b)
    return _calc_cffi.lib.modulo(a, b)
