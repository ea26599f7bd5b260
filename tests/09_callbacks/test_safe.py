"""Grader for 09_callbacks/safe: an exception in a callback becomes a value C understands.

safe_build.py (given) compiles ``_safe_cffi``: C's ``process_all()`` calls the
extern "Python" function ``handle(reading)`` for each reading and counts a
result of -1 as a rejected reading. safe.py's handle() calls ``convert()``,
which raises for 0 and for negative readings. The grader checks that:

- C receives -1 when convert() raises (``@ffi.def_extern(error=-1)``; without
  it C receives 0, a valid value, and the reading is counted as accepted):
  checked by calling ``lib.handle`` through its C pointer and through
  ``process_all``;
- each exception object is kept in ``errors``, in order, and nothing is printed
  (``onerror=on_error``: without it cffi prints the traceback);
- ``process(readings)`` returns ``(total, rejected, errors)`` of that call only.

Any way of getting there passes (a try/except in handle() that returns -1
does too); the graded behaviour is what C receives and what is logged.
"""

from __future__ import annotations

import pytest

from grader.testing import callback_output

BUILDER = "safe_build.py"


def expected_run(readings):
    total, rejected, kinds = 0, 0, []
    for r in readings:
        if r < 0:
            rejected += 1
            kinds.append(ValueError)
        elif r == 0:
            rejected += 1
            kinds.append(ZeroDivisionError)
        else:
            total += 1000 // r
    return total, rejected, kinds


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def safe(exercise, built):
    return exercise.import_module("safe")


@pytest.fixture
def printed(capfd, monkeypatch):
    """What cffi prints while C calls back into Python (grader.testing.callback_output)."""
    return callback_output(capfd, monkeypatch)


def _shown(text: str) -> str:
    return text if len(text) <= 700 else text[:700] + "\n..."


def _process(safe, readings):
    func = getattr(safe, "process", None)
    if not callable(func):
        pytest.fail("safe.py has no function `process`: keep the `def process(readings):` of the starter file.")
    call = f"safe.process({readings!r})"
    try:
        return call, func(list(readings))
    except NotImplementedError as exc:
        pytest.fail(f"{call} raised NotImplementedError ({exc}): replace the TODOs in safe.py with your code.")
    except Exception as exc:
        pytest.fail(
            f"{call} raised {type(exc).__name__}: {exc}. An exception in handle() never reaches process(): "
            "this one came from process() itself."
        )


def _unpack(call, got):
    if not (isinstance(got, tuple) and len(got) == 3):
        pytest.fail(f"{call} returned {got!r}, expected a tuple of three values: (total, rejected, errors).")
    total, rejected, errs = got
    if not isinstance(errs, list):
        pytest.fail(f"{call} returned errors {errs!r}, expected a list of exception objects.")
    return total, rejected, list(errs)


def _check_run(safe, readings, out_hint=""):
    call, got = _process(safe, readings)
    total, rejected, errs = _unpack(call, got)
    want_total, want_rejected, kinds = expected_run(readings)
    if rejected != want_rejected:
        detail = ""
        if rejected < want_rejected:
            detail = (
                " C counts a reading as rejected only when handle() returns -1. When handle() raises, cffi "
                "gives C the def_extern's error value, which is 0 unless you say otherwise "
                "(@ffi.def_extern(error=-1, ...)); and if onerror returns a number, that number replaces it."
            )
        pytest.fail(f"{call} returned rejected = {rejected!r}, expected {want_rejected}." + detail + out_hint)
    if total != want_total:
        pytest.fail(
            f"{call} returned total = {total!r}, expected {want_total} (what lib.last_total() gives after "
            "lib.process_all)." + out_hint
        )
    got_kinds = [type(e) for e in errs]
    if got_kinds != kinds or not all(isinstance(e, BaseException) for e in errs):
        detail = ""
        if not errs and kinds:
            detail = (
                " Nothing was logged: give def_extern onerror=on_error, and let on_error append its "
                "exc_value argument to `errors`."
            )
        elif len(errs) > len(kinds):
            detail = " There are more entries than this call's errors: clear `errors` at the start of process()."
        elif errs and not isinstance(errs[0], BaseException):
            detail = " Keep the exception objects themselves (on_error's second argument, exc_value)."
        pytest.fail(
            f"{call} returned errors = {errs!r}, expected exceptions of types "
            f"{[k.__name__ for k in kinds]!r}, in that order." + detail + out_hint
        )
    return errs


def test_good_readings(safe):
    _check_run(safe, [1, 2, 5, 2000])


def test_nothing(safe):
    _check_run(safe, [])


def test_bad_readings_are_rejected_and_logged(safe, printed):
    readings = [10, 0, 4, -3, 2000, 0]
    with printed() as out:
        _process(safe, readings)  # a first run, to see what it prints
    hint = f"\nWhat was printed during the call:\n{_shown(out[0])}" if out[0] else ""
    if "no code was attached" in out[0]:
        hint = (
            " cffi printed that no Python code is attached to handle(): keep @ffi.def_extern(...) on the line "
            "before `def handle`." + hint
        )
    errs = _check_run(safe, readings, hint)
    if str(errs[1]) != "negative reading: -3":
        pytest.fail(
            f"the second exception logged is {errs[1]!r}, expected ValueError('negative reading: -3'), the "
            "exception convert() raised."
        )


def test_nothing_is_printed(safe, printed):
    with printed() as out:
        _process(safe, [0, -1, 7])
    if out[0]:
        pytest.fail(
            "safe.process([0, -1, 7]) let cffi print the exceptions raised in handle():\n"
            + _shown(out[0])
            + "\nWith @ffi.def_extern(..., onerror=on_error), cffi calls on_error instead of printing, "
            "and on_error keeps the exception in `errors`."
        )


def test_ctrl_c_and_exit_are_rejected_and_logged(safe, printed, monkeypatch):
    """KeyboardInterrupt and SystemExit are not Exceptions: `except Exception` in handle() lets them through."""
    given = safe.convert
    raised = {0: KeyboardInterrupt("Ctrl-C while converting 0"), -1: SystemExit("sys.exit() while converting -1")}

    def convert(reading):
        if reading in raised:
            raise raised[reading]
        return given(reading)

    monkeypatch.setattr(safe, "convert", convert)  # handle() finds convert among safe.py's globals at each call
    readings = [0, 8, -1]
    call = f"safe.process({readings!r}), with a convert() that raises KeyboardInterrupt for 0 and SystemExit for -1,"
    with printed() as out:
        try:
            got = safe.process(readings)
        except BaseException as exc:  # the test's own catch: nothing from here may reach pytest
            got = exc
    if isinstance(got, BaseException):
        pytest.fail(f"{call} raised {type(got).__name__}: {got}. An exception in handle() never reaches process().")
    total, rejected, errs = _unpack(call, got)
    printed_text = f"\nWhat was printed during the call:\n{_shown(out[0])}" if out[0] else ""
    if rejected != 2 or [type(e) for e in errs] != [KeyboardInterrupt, SystemExit]:
        pytest.fail(
            f"{call} returned rejected = {rejected!r} and errors = {errs!r}; expected 2 and the "
            "KeyboardInterrupt and the SystemExit convert() raised. Neither is an Exception: "
            "`except Exception` does not catch them, and cffi then prints them and gives C 0. Catch "
            "BaseException (or let def_extern's error= and onerror= deal with every exception)." + printed_text
        )
    if errs[0] is not raised[0] or errs[1] is not raised[-1]:
        pytest.fail(f"{call} returned errors = {errs!r}: keep the very exception objects convert() raised.")
    if total != 1000 // 8 or out[0]:
        pytest.fail(
            f"{call} returned total = {total!r} (expected {1000 // 8}), and nothing should be printed." + printed_text
        )


def test_errors_belong_to_one_call(safe):
    _check_run(safe, [0, -5])
    _check_run(safe, [50])
    _check_run(safe, [-1, 100, 0])


def test_handle_returns_minus_one_to_c(safe, built, printed):
    """lib.handle is the C function CFFI compiled: calling it goes through C, as process_all() does."""
    handle = built.lib.handle
    cases = [(4, 250), (0, -1), (-8, -1), (2000, 0)]
    for reading, expected in cases:
        with printed() as out:
            got = handle(reading)
        if got != expected:
            why = ""
            if expected == -1 and got == 0:
                why = (
                    " That is cffi's default when the Python function raises: give def_extern the value C "
                    "should receive instead, error=-1 (and make on_error return None, or -1)."
                )
            pytest.fail(
                f"lib.handle({reading}), called through its C pointer, returned {got!r}, expected "
                f"{expected}." + why + (f"\nWhat was printed:\n{_shown(out[0])}" if out[0] else "")
            )
