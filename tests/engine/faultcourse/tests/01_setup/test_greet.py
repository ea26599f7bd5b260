"""Healthy Python module: every check passes."""


def test_greet(exercise):
    greet = exercise.import_module("greet")
    assert greet.greet("Ada") == "Hello, Ada!"


def test_greet_empty(exercise):
    greet = exercise.import_module("greet")
    assert greet.greet("") == "Hello, !"
