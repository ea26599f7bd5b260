"""An exception inside a callback: the check fails on the wrong total, and shows the exception."""


def test_total(exercise):
    exercise.build_module("visit_build.py")
    visit = exercise.import_module("visit")
    got = visit.total([1, 2, 3])
    assert got == 12, f"total([1, 2, 3]) returned {got}, expected 12"


def test_total_known(exercise):
    exercise.build_module("visit_build.py")
    visit = exercise.import_module("visit")
    assert visit.total([1, 2]) == 6
