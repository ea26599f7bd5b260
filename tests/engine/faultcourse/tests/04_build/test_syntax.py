"""The learner's module does not parse: an error, not a fail."""


def test_area(exercise):
    syntax = exercise.import_module("syntax")
    assert syntax.area(2, 3) == 6


def test_area_zero(exercise):
    syntax = exercise.import_module("syntax")
    assert syntax.area(0, 3) == 0
