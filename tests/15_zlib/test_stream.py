"""Grader for 15_zlib/stream: stream_build.py compiles _stream_cffi with int twice(int);
stream.py wraps it.

(Written by `nox -s new`: replace these checks with the exercise's own. Messages say what
was called, what came back and what was expected.)
"""

from __future__ import annotations

import pytest

BUILDER = "stream_build.py"
# Inputs a wrong answer cannot match by coincidence (x * x is right for 0 and 2).
CASES = [3, -7, 1000]


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build(BUILDER)


@pytest.fixture(scope="module")
def module(exercise, built):
    return exercise.import_module("stream")


def test_module_name(built):
    if built.module_name != "_stream_cffi":
        pytest.fail(f"set_source() names the module {built.module_name!r}, expected '_stream_cffi'")


@pytest.mark.parametrize("x", CASES)
def test_c_twice(built, x):
    if not hasattr(built.lib, "twice"):
        pytest.fail("the compiled module has no function `twice`: declare `int twice(int x);` in cdef()")
    got = built.lib.twice(x)
    if got != 2 * x:
        pytest.fail(f"lib.twice({x}) returned {got!r}, expected {2 * x}")


@pytest.mark.parametrize("x", CASES)
def test_python_twice(module, x):
    try:
        got = module.twice(x)
    except Exception as exc:
        pytest.fail(f"stream.twice({x}) raised {type(exc).__name__}: {exc}; expected it to return {2 * x}")
    if got != 2 * x:
        pytest.fail(f"stream.twice({x}) returned {got!r}, expected {2 * x}")
