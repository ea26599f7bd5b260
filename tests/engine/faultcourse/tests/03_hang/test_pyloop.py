"""An endless loop in Python in the first check: the second still runs."""


def test_countdown(exercise):
    pyloop = exercise.import_module("pyloop")
    assert pyloop.countdown(3) == 0


def test_ready(exercise):
    pyloop = exercise.import_module("pyloop")
    assert pyloop.ready() is True
