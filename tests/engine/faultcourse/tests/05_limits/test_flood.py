"""Megabytes of output: the report stays small."""


def test_chatter(exercise):
    flood = exercise.import_module("flood")
    got = flood.chatter(16)
    assert got == 42, f"chatter(16) returned {got}, expected 42"


def test_chatter_then_die(exercise):
    flood = exercise.import_module("flood")
    flood.chatter_then_die(4)


def test_quiet(exercise):
    flood = exercise.import_module("flood")
    assert flood.quiet() == "shh"
