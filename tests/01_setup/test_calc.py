"""Grader for 01_setup/calc: build time (calc_build.py) vs run time (calc.py).

calc_build.py must compile ``_calc_cffi`` with ``int divide(int, int)`` (given)
and ``int modulo(int, int)`` (the learner's), both computed in C. calc.py must
wrap them: call the compiled C functions through ``lib`` (checked with a spy
standing in for ``lib``), raise ZeroDivisionError before C sees a zero
divisor, and never build or import the builder at run time.
"""

from __future__ import annotations

import operator
import sys

import pytest

from grader.testing import LibSpy, install_lib_spy

BUILDER = "calc_build.py"
SIGNATURE = "int(*)(int, int)"

# (a, b) -> what C gives. C rounds toward zero; Python's // and % round down,
# so the negative cases tell the two apart.
C_DIVIDE = {(7, 2): 3, (-7, 2): -3, (7, -2): -3, (-7, -2): 3, (0, 5): 0}
C_MODULO = {(7, 3): 1, (-7, 3): -1, (7, -3): 1, (-7, -3): -1, (6, 3): 0}
C_VALUES = {"divide": C_DIVIDE, "modulo": C_MODULO}
PROBE = {"divide": (-7, 2), "modulo": (-7, 3)}  # one call each, with an answer only C gives
PYTHON_OP = {"divide": ("//", operator.floordiv), "modulo": ("%", operator.mod)}


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def calc(exercise, built):
    return exercise.import_module("calc")


def _c_function(built, name):
    if not hasattr(built.lib, name):
        pytest.fail(
            f"the compiled module {built.module_name} has no function `{name}`: lib only has what "
            f"ffibuilder.cdef() declares. In calc_build.py, declare `int {name}(int a, int b);` in cdef() "
            "and write the function with its body in set_source()."
        )
    return getattr(built.lib, name)


# --- build time: calc_build.py -------------------------------------------------------------


def test_module_name(built):
    if built.module_name != "_calc_cffi":
        pytest.fail(
            f"set_source() names the module {built.module_name!r}, expected '_calc_cffi' (calc.py imports that name)"
        )


@pytest.mark.parametrize("name", ["divide", "modulo"])
def test_c_signature(built, name):
    got = built.ffi.typeof(_c_function(built, name)).cname
    if got != SIGNATURE:
        pytest.fail(
            f"ffi.typeof(lib.{name}) is {got!r}, expected {SIGNATURE!r}: {name} takes two ints and returns "
            f"an int. Use `int {name}(int a, int b)` in cdef() and in the C code."
        )


@pytest.mark.parametrize("name", ["divide", "modulo"])
def test_c_values(built, name):
    func = _c_function(built, name)
    for (a, b), expected in C_VALUES[name].items():
        got = func(a, b)
        if got != expected:
            pytest.fail(
                f"lib.{name}({a}, {b}) returned {got!r}, expected {expected} "
                f"(C's {'/' if name == 'divide' else '%'} on two ints, in the C code of set_source())"
            )


# --- run time: calc.py ---------------------------------------------------------------------


class _ZeroReachedC(BaseException):
    """Raised by the spy instead of letting C divide by zero (which would kill the process)."""


class _SpyLib(LibSpy):
    """Records each call; stops a division by zero before it reaches C (it would kill the process)."""

    def record(self, name, args):
        if name in C_VALUES and len(args) == 2 and args[1] == 0:
            self.calls.append((name, args))
            raise _ZeroReachedC(name)
        return (name, args)


class _OtherAnswerSpy(_SpyLib):
    """Answers each call of divide or modulo with C's result plus 1000, not the right answer: a wrapper
    that calls C and then returns an answer computed again in Python (int(a / b) truncates like C) is right
    for every input; only this tells it from one that returns what C returned."""

    OFFSET = 1000

    def wrap(self, name, target):
        call = super().wrap(name, target)
        if name not in C_VALUES:
            return call
        return lambda *args: call(*args) + self.OFFSET


@pytest.fixture
def spy(calc, built, monkeypatch):
    """Put a spy wherever calc.py can reach the C functions (grader.testing.install_lib_spy)."""
    return install_lib_spy(calc, built, monkeypatch, _SpyLib(built.lib))


def _call(calc, name, a, b):
    func = getattr(calc, name, None)
    if not callable(func):
        pytest.fail(f"calc.py has no function `{name}`: keep the `def {name}(a, b):` of the starter file.")
    call = f"calc.{name}({a}, {b})"
    try:
        return call, func(a, b)
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in calc.py's {name}() with your code.")
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")


@pytest.mark.parametrize("name", ["divide", "modulo"])
def test_wrapper_calls_c(calc, built, spy, name):
    _c_function(built, name)
    call, got = _call(calc, name, *PROBE[name])
    called = [n for n, _ in spy.calls]
    if name not in called:
        pytest.fail(
            f"{call} returned {got!r} without calling the C function lib.{name}"
            + (f" (it called lib.{', lib.'.join(called)})" if called else "")
            + f". The wrapper's job is to call lib.{name} from _calc_cffi and return its result."
        )


@pytest.mark.parametrize("name", ["divide", "modulo"])
def test_wrapper_gives_c_results(calc, built, spy, name):
    for (a, b), expected in C_VALUES[name].items():
        call, got = _call(calc, name, a, b)
        symbol, python_op = PYTHON_OP[name]
        note = f" (that is Python's {a} {symbol} {b}; C rounds toward zero)" if got == python_op(a, b) else ""
        if got != expected or type(got) is not int:
            pytest.fail(f"{call} returned {got!r}, expected {expected}, the int that C's {name} gives{note}")


@pytest.mark.parametrize("name", ["divide", "modulo"])
def test_wrapper_returns_the_c_result(calc, built, monkeypatch, name):
    _c_function(built, name)
    spy = install_lib_spy(calc, built, monkeypatch, _OtherAnswerSpy(built.lib))
    a, b = PROBE[name]
    call, got = _call(calc, name, a, b)
    if name not in [n for n, _ in spy.calls]:
        pytest.fail(
            f"{call} returned {got!r} without calling the C function lib.{name}: the wrapper's job is to "
            f"call it and return its result."
        )
    answer = C_VALUES[name][a, b] + _OtherAnswerSpy.OFFSET
    if got != answer:
        again = (
            " That is the right answer, but not the one C returned: the wrapper computed it again in Python "
            "after the call."
            if got == C_VALUES[name][a, b]
            else ""
        )
        pytest.fail(
            f"{call} returned {got!r}, while the grader's stand-in for lib.{name} returned {answer} (not "
            f"the answer for {a} and {b}: a number of its own, to see whose number comes back).{again} Return what lib.{name}(a, b) "
            "returns."
        )


@pytest.mark.parametrize("name", ["divide", "modulo"])
def test_wrapper_rejects_zero(calc, built, spy, name):
    _c_function(built, name)
    func = getattr(calc, name, None)
    if not callable(func):
        pytest.fail(f"calc.py has no function `{name}`: keep the `def {name}(a, b):` of the starter file.")
    call = f"calc.{name}(1, 0)"
    try:
        got = func(1, 0)
    except ZeroDivisionError:
        return
    except _ZeroReachedC:
        pytest.fail(
            f"{call} passed b=0 on to the C function lib.{name}. C has no exceptions: an integer "
            "division by zero there is undefined behaviour, and on most machines kills the whole process. Check b in Python first and raise "
            "ZeroDivisionError."
        )
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in calc.py's {name}() with your code.")
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}, expected ZeroDivisionError")
    pytest.fail(f"{call} returned {got!r}, expected it to raise ZeroDivisionError")


def test_run_time_needs_no_builder(calc):
    import cffi

    if "calc_build" in sys.modules:
        pytest.fail(
            "importing calc.py imported calc_build.py, the build-time script. At run time, import "
            "the compiled module instead: `from _calc_cffi import lib`."
        )
    builders = [name for name, value in vars(calc).items() if isinstance(value, cffi.FFI)]
    if builders:
        pytest.fail(
            f"calc.py holds a build-time cffi.FFI() object ({', '.join(builders)}). At run time, use the "
            "ffi and lib of the compiled module: `from _calc_cffi import ffi, lib`."
        )
