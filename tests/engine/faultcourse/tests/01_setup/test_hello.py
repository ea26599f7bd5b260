"""Healthy builder: every check passes."""

import pytest


@pytest.fixture(scope="module")
def hello(exercise):
    return exercise.build_module("hello_build.py")


def test_module_name(hello):
    assert hello.module_name == "_hello_cffi"


def test_add(hello):
    got = hello.lib.add(5, 3)
    assert got == 8, f"lib.add(5, 3) returned {got}, expected 8"
