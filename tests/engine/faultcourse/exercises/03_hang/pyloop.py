"""Fault: countdown() never ends."""


def countdown(n):
    while n > 0:
        pass  # forgot n -= 1
    return n


def ready():
    return True
