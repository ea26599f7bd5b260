"""The builder cannot be turned into a module: every check is an error."""

import pytest


@pytest.fixture(scope="module")
def mod(exercise):
    return exercise.build_module("undefined_build.py")


def test_add(mod):
    assert mod.lib.add(2, 3) == 5


def test_sub(mod):
    assert mod.lib.sub(5, 3) == 2
