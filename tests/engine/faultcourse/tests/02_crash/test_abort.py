"""free() of ffi.new() memory aborts in the first check; the second still runs."""

import pytest


@pytest.fixture(scope="module")
def mod(exercise):
    return exercise.build_module("abort_build.py")


def test_release(mod):
    mod.lib.release(mod.ffi.new("int[4]"))


def test_three(mod):
    assert mod.lib.three() == 3
