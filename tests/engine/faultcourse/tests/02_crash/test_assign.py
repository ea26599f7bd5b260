"""A segfault whose cause the C compiler warned about (-Wparentheses) at the learner's line."""

import pytest


@pytest.fixture(scope="module")
def assign(exercise):
    return exercise.build_module("assign_build.py")


def test_fill(assign):
    out = assign.ffi.new("int *")
    assert assign.lib.fill(out, 7) == 0
    assert out[0] == 7


def test_triple(assign):
    assert assign.lib.triple(14) == 42
