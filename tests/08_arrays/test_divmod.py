"""Grader for 08_arrays/divmod: two results back from C through out-parameters.

divmod_build.py (given) compiles ``_divmod_cffi`` with
``int divmod_c(int a, int b, int *quotient, int *remainder)``, which divides
the C way (truncating toward zero), writes both results through the pointers
and returns a status code (0, -1 for b == 0, -2 for INT_MIN / -1).
divmod.py's ``c_divmod(a, b)`` must return the tuple (quotient, remainder) of
Python ints that C wrote, and turn the status codes into ZeroDivisionError and
OverflowError. A spy standing in for ``lib`` checks that C computes every
answer and receives two separate ``int *`` pointers (C memory made with
``ffi.new``), since Python has no ``&``.
"""

from __future__ import annotations

import pytest

from grader.testing import LibSpy, install_lib_spy

BUILDER = "divmod_build.py"
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def c_reference(a: int, b: int) -> tuple[int, int]:
    """C's division: the quotient truncated toward zero, the remainder with the sign of a."""
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    return q, a - b * q


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def divmod_module(exercise, built):
    return exercise.import_module("divmod")


@pytest.fixture
def spy(divmod_module, built, monkeypatch):
    spy = install_lib_spy(divmod_module, built, monkeypatch, LibSpy(built.lib))
    spy.ffi = built.ffi
    return spy


class _OtherAnswerSpy(LibSpy):
    """Stands in for lib, and after each successful divmod_c writes numbers of its own through the two pointers:
    what "C" wrote, as far as c_divmod can tell, and numbers no Python arithmetic on a and b gives. A c_divmod
    that calls C and then computes the answer again in Python returns the right pair for every real division;
    only this tells it from one that returns what C wrote."""

    WRITTEN = (1234567, -7654321)

    def wrap(self, name, target):
        call = super().wrap(name, target)
        if name != "divmod_c":
            return call

        def divmod_c(*args):
            status = call(*args)
            if status == 0:
                args[2][0], args[3][0] = self.WRITTEN
            return status

        return divmod_c


def _call(divmod_module, a, b):
    """Call c_divmod(a, b): (what the call looks like, the result, the exception raised or None)."""
    func = getattr(divmod_module, "c_divmod", None)
    if not callable(func):
        pytest.fail("divmod.py has no function `c_divmod`: keep the `def c_divmod(a, b):` of the starter file.")
    call = f"c_divmod({a}, {b})"
    try:
        return call, func(a, b), None
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in c_divmod() with your code.")
    except TypeError as exc:
        hint = ""
        if "int *" in str(exc) and "cdata pointer" in str(exc):
            hint = (
                " divmod_c's last two parameters are pointers (int *): C writes its results through them, "
                'so it needs C memory to write into, not Python numbers. Make each with ffi.new("int *") '
                "and read the result back with p[0]."
            )
        pytest.fail(f"{call} raised TypeError: {exc}.{hint}")
    except (ZeroDivisionError, OverflowError) as exc:
        return call, None, exc
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")


def _check(divmod_module, spy, a: int, b: int) -> None:
    expected = c_reference(a, b)
    spy.calls.clear()
    call, got, exc = _call(divmod_module, a, b)
    if exc is not None:
        pytest.fail(
            f"{call} raised {type(exc).__name__}: {exc}; expected it to return {expected!r}. Only a "
            "status of -1 (b is 0) or -2 (INT_MIN / -1) is an error: 0 means success."
        )
    found = spy.last("divmod_c")
    if found is None:
        right = "the right answer" if got == expected else f"{got!r} (expected {expected!r})"
        pytest.fail(
            f"{call} returned {right}, but without calling lib.divmod_c: the division must be done by C, "
            "which truncates toward zero, unlike Python's divmod and //."
        )
    _, args = found
    pointers = args[2:4]
    if len(pointers) == 2 and all(isinstance(p, spy.ffi.CData) for p in pointers) and pointers[0] == pointers[1]:
        pytest.fail(
            f"{call} gave divmod_c the same pointer for the quotient and the remainder, so C wrote "
            'the remainder over the quotient. Give it two separate C ints: two ffi.new("int *").'
        )
    if type(got) is not tuple or len(got) != 2:
        pytest.fail(
            f"{call} returned {got!r} ({type(got).__name__}); expected a tuple of two ints, "
            f"{expected!r}: return quotient[0], remainder[0]."
        )
    if any(type(v) is not int for v in got):
        pytest.fail(
            f"{call} returned {got!r}: expected two Python ints, {expected!r}. A cdata 'int *' is the "
            "pointer, not the number C wrote: read the number with p[0]."
        )
    if got != expected:
        message = f"{call} returned {got!r}, expected {expected!r} (computed by C)."
        if got == divmod(a, b):
            message += (
                " That is Python's divmod, which rounds the quotient down; C truncates toward zero. "
                "Return what lib.divmod_c wrote."
            )
        elif got == (expected[1], expected[1]):
            message += " Both values are the remainder: did C write both results into the same int?"
        elif got == (expected[1], expected[0]):
            message += " The quotient and the remainder are swapped: divmod_c's third argument is the quotient."
        pytest.fail(message)


def _check_raises(divmod_module, spy, a: int, b: int, expected: type, why: str) -> None:
    call, got, exc = _call(divmod_module, a, b)
    if exc is None:
        pytest.fail(
            f"{call} returned {got!r}; expected {expected.__name__}: {why} C reports this with a status "
            "code (the int lib.divmod_c returns) and writes nothing: check the status before reading "
            "the results, and raise."
        )
    if not isinstance(exc, expected):
        pytest.fail(
            f"{call} raised {type(exc).__name__}: {exc}; expected {expected.__name__}: {why} "
            "divmod_c returns -1 for a division by zero and -2 for a quotient that does not fit."
        )


def test_positive(divmod_module, spy):
    for a, b in [(7, 2), (6, 3), (0, 5), (1, 10), (123456789, 1000)]:
        _check(divmod_module, spy, a, b)


def test_negative_truncates_toward_zero(divmod_module, spy):
    for a, b in [(-7, 2), (7, -2), (-7, -2), (-1, 10), (-100, 7)]:
        _check(divmod_module, spy, a, b)


def test_int_limits(divmod_module, spy):
    for a, b in [(INT_MAX, 1), (INT_MIN, 1), (INT_MIN, 2), (INT_MAX, -1), (INT_MIN, INT_MAX)]:
        _check(divmod_module, spy, a, b)


def test_two_separate_pointers(divmod_module, spy, built):
    ffi = built.ffi
    spy.calls.clear()
    call, _, _ = _call(divmod_module, 17, 5)
    found = spy.last("divmod_c")
    if found is None:
        pytest.fail(f"{call} never called lib.divmod_c: the division must be done by C.")
    args = found[1]
    for position, name in [(2, "quotient"), (3, "remainder")]:
        arg = args[position]
        if not isinstance(arg, ffi.CData) or ffi.typeof(arg).kind not in ("pointer", "array"):
            pytest.fail(
                f"{call} passed {arg!r} to divmod_c as {name}; expected C memory for one int, such as "
                'ffi.new("int *"), for C to write into.'
            )
    _check(divmod_module, spy, 17, 5)


def test_division_by_zero(divmod_module, spy):
    for a in (7, 0, -7):
        _check_raises(divmod_module, spy, a, 0, ZeroDivisionError, "b is 0.")


def test_quotient_too_large(divmod_module, spy):
    _check_raises(
        divmod_module,
        spy,
        INT_MIN,
        -1,
        OverflowError,
        f"{INT_MIN} / -1 is {-INT_MIN}, one more than the largest C int.",
    )


def test_returns_what_c_wrote(divmod_module, built, monkeypatch):
    spy = install_lib_spy(divmod_module, built, monkeypatch, _OtherAnswerSpy(built.lib))
    call, got, exc = _call(divmod_module, 17, 5)
    if spy.last("divmod_c") is None:
        pytest.fail(f"{call} never called lib.divmod_c: the division must be done by C.")
    if exc is not None:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}; divmod_c returned 0 (success).")
    wrote = _OtherAnswerSpy.WRITTEN
    if got != wrote:
        again = (
            " That is the right answer for 17 / 5, but not the one C wrote: c_divmod computed it again in "
            "Python after the call."
            if got == c_reference(17, 5)
            else ""
        )
        pytest.fail(
            f"{call} returned {got!r}, while the grader's stand-in for lib.divmod_c wrote {wrote!r} "
            f"through the two pointers (numbers no division gives, to see whose numbers come back).{again} "
            "Return what C wrote through the pointers: quotient[0], remainder[0]."
        )
