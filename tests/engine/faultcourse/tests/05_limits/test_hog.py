"""Allocating without end is a normal failure under the engine's memory limit."""

import pytest


@pytest.fixture(scope="module")
def mod(exercise):
    return exercise.build_module("hog_build.py")


def test_grab(mod):
    got = mod.lib.grab()
    assert got == 4, f"grab() took {got} blocks of 64 MB, expected 4"


def test_make_buffer(exercise):
    hog = exercise.import_module("hog")
    assert len(hog.make_buffer()) == 100 * 1024**3


def test_small_buffer(exercise):
    hog = exercise.import_module("hog")
    assert len(hog.small_buffer()) == 16
