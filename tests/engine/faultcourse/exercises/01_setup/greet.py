"""Healthy: a plain Python module."""


def greet(name):
    return f"Hello, {name}!"
