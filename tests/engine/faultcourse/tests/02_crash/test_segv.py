"""A segfault in the second of three checks: the first keeps its pass, the third still runs."""

import pytest


@pytest.fixture(scope="module")
def segv(exercise):
    return exercise.build_module("segv_build.py")


def test_twice(segv):
    assert segv.lib.twice(21) == 42


def test_store_null(segv):
    segv.lib.store(segv.ffi.NULL, 7)


def test_store(segv):
    p = segv.ffi.new("int *")
    segv.lib.store(p, 7)
    assert p[0] == 7
