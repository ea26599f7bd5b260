"""Never runs: the exercise's file is missing."""

import pytest


@pytest.fixture(scope="module")
def mod(exercise):
    return exercise.build_module("missing_build.py")


def test_add(mod):
    assert mod.lib.add(2, 3) == 5
