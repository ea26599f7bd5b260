"""Wrong: Python's divmod rounds the quotient down; C truncates toward zero (differs for negative numbers)."""


def c_divmod(a, b):
    if b == 0:
        raise ZeroDivisionError("division by zero")
    q, r = divmod(a, b)
    if not -(2**31) <= q < 2**31:
        raise OverflowError("the quotient does not fit in an int")
    return q, r
