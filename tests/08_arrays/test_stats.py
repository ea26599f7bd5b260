"""Grader for 08_arrays/stats: C reads an array.array('d') where it lies, through ffi.from_buffer.

stats_build.py (given) compiles ``_stats_cffi`` with
``double sum_doubles(const double *values, size_t count)``, which stores the
address and the count it received in the C globals ``last_values`` and
``last_count``. stats.py's ``total(arr)`` must return C's sum and ``mean(arr)``
C's sum divided by len(arr) (ValueError for an empty array). Zero copy is
proved by address: ``last_values`` must be the address of the array's own
doubles, ``ffi.from_buffer(arr)``; ``ffi.new("double[]", list(arr))`` or a list
passed to C is a copy, elsewhere. The count must be in doubles: a spy stops a
call that would make C read past the end of the array.
"""

from __future__ import annotations

import math
from array import array

import pytest

from grader.testing import LibSpy, install_lib_spy

BUILDER = "stats_build.py"


class _ReadsPastTheEnd(BaseException):
    """Raised by the spy instead of letting C read more doubles than the array holds."""


class _SpyLib(LibSpy):
    def __init__(self, lib, ffi):
        super().__init__(lib, ffi)
        self.limit = None  # the number of doubles in the array under test

    def record(self, name, args):
        if name == "sum_doubles" and self.limit is not None and len(args) == 2:
            count = args[1]
            if isinstance(count, int) and count > self.limit:
                self.calls.append((name, args))
                raise _ReadsPastTheEnd(count)
        return (name, args)


class _OtherAnswerSpy(_SpyLib):
    """A spy whose sum_doubles answers C's sum plus SALT: a number no sum of the array gives. A total() that
    calls C and then returns sum(arr) computed again in Python gets the right sum for every array; only this
    tells it from one that returns what C returned."""

    SALT = 0.015625  # a power of two: C's sum plus SALT is exact for the small sums used

    def wrap(self, name, target):
        call = super().wrap(name, target)
        if name != "sum_doubles":
            return call
        return lambda *args: call(*args) + self.SALT


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def real_lib(built):
    """The compiled lib itself (while a spy is installed, built.lib is the spy)."""
    return built.lib


@pytest.fixture(scope="module")
def stats_module(exercise, built):
    return exercise.import_module("stats")


@pytest.fixture
def spy(stats_module, built, real_lib, monkeypatch):
    return install_lib_spy(stats_module, built, monkeypatch, _SpyLib(real_lib, built.ffi))


def c_sum(values) -> float:
    """The sum in C's order, one double after the other (Python's sum() may round differently)."""
    result = 0.0
    for v in values:
        result += v
    return result


def _shown(arr: array) -> str:
    return repr(arr) if len(arr) <= 8 else f"array('d', <{len(arr)} values>)"


def _call(stats_module, spy, name: str, arr: array):
    func = getattr(stats_module, name, None)
    if not callable(func):
        pytest.fail(f"stats.py has no function `{name}`: keep the `def {name}(arr):` of the starter file.")
    call = f"{name}({_shown(arr)})"
    spy.lib.last_values = spy.ffi.NULL
    spy.lib.last_count = 0
    spy.calls.clear()
    spy.limit = len(arr)
    try:
        return call, func(arr)
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in {name}() with your code.")
    except _ReadsPastTheEnd as exc:
        pytest.fail(
            f"{call} asked sum_doubles for {exc.args[0]} values, but the array holds {len(arr)}: C would "
            f"read past its end. {exc.args[0]} is {exc.args[0] // max(len(arr), 1)} times too many: the "
            "size in bytes? sum_doubles counts doubles: pass len(arr), or the len() of "
            'ffi.from_buffer("double[]", arr).'
        )
    except TypeError as exc:
        hint = ""
        if "cdata pointer" in str(exc) and "array" in str(exc):
            hint = (
                ' CFFI does not turn an array.array into a C pointer by itself: ffi.from_buffer("double[]", '
                "arr) gives a cdata that points to the array's own doubles."
            )
        pytest.fail(f"{call} raised TypeError: {exc}.{hint}")
    except ValueError:
        raise
    except ZeroDivisionError as exc:
        pytest.fail(
            f"{call} raised ZeroDivisionError: {exc}. For an empty array, raise ValueError yourself, "
            "before dividing by len(arr)."
        )
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")
    finally:
        spy.limit = None


def _address(ffi, cdata) -> int:
    return int(ffi.cast("uintptr_t", cdata))


def _check_total(stats_module, spy, ffi, arr: array) -> None:
    expected = c_sum(arr)
    call, got = _call(stats_module, spy, "total", arr)
    if len(arr) == 0 and type(got) is float and got == 0.0:
        return  # nothing to read: skipping C is fine
    if not spy.last("sum_doubles"):
        pytest.fail(f"{call} returned {got!r} without calling lib.sum_doubles: the sum must come from C.")
    if type(got) is not float or got != expected:
        pytest.fail(f"{call} returned {got!r}, expected {expected!r}: return what lib.sum_doubles returns.")
    if len(arr) == 0:
        return
    seen = _address(ffi, spy.lib.last_values)
    mine = _address(ffi, ffi.from_buffer(arr))
    if seen != mine:
        pytest.fail(
            f"{call}: C read the doubles at {seen:#x}, but the array's own doubles are at {mine:#x}, so C read "
            f"a copy: {len(arr)} doubles converted and copied ({8 * len(arr)} bytes) before every call, which is "
            "what ffi.new(\"double[]\", list(arr)), or a list passed to C, does. An array.array('d') already "
            'holds C doubles: ffi.from_buffer("double[]", arr) lets C read them where they are.'
        )
    if spy.lib.last_count != len(arr):
        pytest.fail(
            f"{call}: sum_doubles received the count {spy.lib.last_count}, expected {len(arr)} (the number of doubles)."
        )


def test_total_small(stats_module, spy, built):
    for values in ([1.5, 2.5], [3.0], [-1.0, 1.0, 0.25], [0.1] * 10, [1e308, -1e308, 5.0]):
        _check_total(stats_module, spy, built.ffi, array("d", values))


def test_total_empty(stats_module, spy, built):
    _check_total(stats_module, spy, built.ffi, array("d"))


def test_total_large_not_copied(stats_module, spy, built):
    arr = array("d", range(1_000_000))
    _check_total(stats_module, spy, built.ffi, arr)


def test_mean(stats_module, spy, built):
    for values in ([1.0, 2.0, 4.0], [2.5], [-3.0, 3.0], [0.1] * 7):
        arr = array("d", values)
        expected = c_sum(arr) / len(arr)
        call, got = _call(stats_module, spy, "mean", arr)
        if not spy.last("sum_doubles"):
            pytest.fail(f"{call} returned {got!r} without calling lib.sum_doubles: take the sum from C, total(arr).")
        if type(got) is not float or not math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-300):
            pytest.fail(f"{call} returned {got!r}, expected {expected!r}: C's sum divided by len(arr).")
    arr = array("d", range(100_000))
    call, _ = _call(stats_module, spy, "mean", arr)
    seen = _address(built.ffi, spy.lib.last_values)
    if seen != _address(built.ffi, built.ffi.from_buffer(arr)):
        pytest.fail(
            f"{call}: C read a copy of the array, not the array itself: let mean() use total(arr), which "
            'gives C ffi.from_buffer("double[]", arr).'
        )


def test_mean_empty(stats_module, spy):
    try:
        call, got = _call(stats_module, spy, "mean", array("d"))
    except ValueError:
        return
    pytest.fail(
        f"{call} returned {got!r}; expected ValueError: an empty array has no mean (C would divide 0.0 "
        "by 0 and answer nan without a word). Check len(arr) before dividing."
    )


def test_total_and_mean_return_the_c_result(stats_module, built, real_lib, monkeypatch):
    spy = install_lib_spy(stats_module, built, monkeypatch, _OtherAnswerSpy(real_lib, built.ffi))
    arr = array("d", [1.0, 2.0, 4.5, 8.5])
    answer = c_sum(arr) + _OtherAnswerSpy.SALT
    for name, want in (("total", answer), ("mean", answer / len(arr))):
        call, got = _call(stats_module, spy, name, arr)
        if not spy.last("sum_doubles"):
            pytest.fail(f"{call} returned {got!r} without calling lib.sum_doubles: the sum must come from C.")
        if got != want:
            right = c_sum(arr) if name == "total" else c_sum(arr) / len(arr)
            again = (
                f" That is the right {name}, but not from the sum C returned: {name}() computed the sum "
                "again in Python after the call."
                if got == right
                else ""
            )
            pytest.fail(
                f"{call} returned {got!r}, while the grader's stand-in for lib.sum_doubles returned the "
                f"sum {answer!r} ({_OtherAnswerSpy.SALT} more than the real sum, to see whose number comes "
                f"back), so {name}() should return {want!r}.{again} Use the number lib.sum_doubles returns."
            )
