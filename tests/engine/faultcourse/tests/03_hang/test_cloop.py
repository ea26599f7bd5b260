"""An endless loop in C in the second check: the others still run."""

import pytest


@pytest.fixture(scope="module")
def mod(exercise):
    return exercise.build_module("cloop_build.py")


def test_one(mod):
    assert mod.lib.one() == 1


def test_spin(mod):
    assert mod.lib.spin(3) == 3


def test_one_again(mod):
    assert mod.lib.one() == 1
