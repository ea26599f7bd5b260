"""Grader for 17_shipping/wheels: wheels_build.py compiles _wheels_cffi with int twice(int);
wheels.py wraps it.

(Written by `nox -s new`: replace these checks with the exercise's own. Messages say what
was called, what came back and what was expected. Everything a grader needs besides pytest
is in grader.testing: read its module docstring.)
"""

from __future__ import annotations

import pytest

from grader.testing import LibSpy, install_lib_spy

BUILDER = "wheels_build.py"
# Inputs a wrong answer cannot match by coincidence (x * x is right for 0 and 2).
CASES = [3, -7, 1000]


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def module(exercise, built):
    return exercise.import_module("wheels")


def test_module_name(built):
    if built.module_name != "_wheels_cffi":
        pytest.fail(f"set_source() names the module {built.module_name!r}, expected '_wheels_cffi'")


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
        pytest.fail(f"wheels.twice({x}) raised {type(exc).__name__}: {exc}; expected it to return {2 * x}")
    if got != 2 * x:
        pytest.fail(f"wheels.twice({x}) returned {got!r}, expected {2 * x}")


class _OtherAnswer(LibSpy):
    """A lib whose twice() answers C's result plus 1000: a wheels.py that calls C and then
    computes 2 * x again in Python is right for every x; only this tells it from one that
    returns what C returned."""

    def wrap(self, name, target):
        call = super().wrap(name, target)
        return (lambda *args: call(*args) + 1000) if name == "twice" else call


def test_python_returns_what_c_returns(module, built, monkeypatch):
    spy = install_lib_spy(module, built, monkeypatch, _OtherAnswer(built.lib, built.ffi))
    try:
        got = module.twice(3)
    except Exception as exc:
        pytest.fail(f"wheels.twice(3) raised {type(exc).__name__}: {exc}")
    if "twice" not in spy.names():
        pytest.fail("wheels.twice(3) never called the C function twice: call it through lib.")
    if got != 1006:
        pytest.fail(f"wheels.twice(3) returned {got!r} while C's twice (made to answer 1006 for this check) "
                    "answered 1006: return what C returns, do not compute it again in Python.")
