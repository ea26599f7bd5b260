"""Grader for 15_zlib/oneshot: oneshot_build.py compiles _oneshot_cffi with int twice(int);
oneshot.py wraps it.

(Written by `nox -s new`: replace these checks with the exercise's own. Messages say what
was called, what came back and what was expected.)
"""

from __future__ import annotations

import pytest

BUILDER = "oneshot_build.py"
# Inputs a wrong answer cannot match by coincidence (x * x is right for 0 and 2).
CASES = [3, -7, 1000]


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build(BUILDER)


@pytest.fixture(scope="module")
def module(exercise, built):
    return exercise.import_module("oneshot")


def test_module_name(built):
    if built.module_name != "_oneshot_cffi":
        pytest.fail(f"set_source() names the module {built.module_name!r}, expected '_oneshot_cffi'")


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
        pytest.fail(f"oneshot.twice({x}) raised {type(exc).__name__}: {exc}; expected it to return {2 * x}")
    if got != 2 * x:
        pytest.fail(f"oneshot.twice({x}) returned {got!r}, expected {2 * x}")
