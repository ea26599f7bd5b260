"""The learner's module raises while it is imported: an error."""


def test_clamp(exercise):
    boom = exercise.import_module("boom")
    assert boom.clamp(20) == 10


def test_clamp_low(exercise):
    boom = exercise.import_module("boom")
    assert boom.clamp(-5) == 1
