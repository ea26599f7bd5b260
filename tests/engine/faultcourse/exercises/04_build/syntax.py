"""Fault: a missing colon."""


def area(w, h)
    return w * h
