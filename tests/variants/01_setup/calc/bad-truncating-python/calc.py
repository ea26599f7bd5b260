"""Wrong, subtly: int(a / b) and math.fmod give C's answers without calling C at all."""

import math


def divide(a, b):
    if b == 0:
        raise ZeroDivisionError("divide() by zero")
    return int(a / b)


def modulo(a, b):
    if b == 0:
        raise ZeroDivisionError("modulo() by zero")
    return int(math.fmod(a, b))
