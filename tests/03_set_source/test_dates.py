"""Grader for 03_set_source/dates: a private static helper in the inline C source.

dates_build.py must compile ``_dates_cffi`` with two public functions,
``int days_in_year(int)`` (given) and ``int days_in_month(int, int)`` (the
learner's), while the helper ``is_leap`` stays private twice over: not
declared in cdef() (so ``lib`` has no ``is_leap``) and ``static`` in the C
code (so the compiled module does not export the symbol; checked with
ctypes, which can only find exported symbols).
"""

from __future__ import annotations

import calendar
import ctypes
import sys

import pytest

BUILDER = "dates_build.py"
HELPER = "is_leap"
SIGNATURES = {"days_in_year": "int(*)(int)", "days_in_month": "int(*)(int, int)"}
DECLARATIONS = {
    "days_in_year": "int days_in_year(int year);",
    "days_in_month": "int days_in_month(int year, int month);",
}
YEARS = [1900, 2000, 2023, 2024, 2100, 1996]  # century rules: 1900 and 2100 are not leap years, 2000 is


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


def _function(built, name):
    if not hasattr(built.lib, name):
        pytest.fail(
            f"the compiled module {built.module_name} has no function `{name}`: lib only has what cdef() "
            f"declares. Declare `{DECLARATIONS[name]}` in ffibuilder.cdef() and define it in the C code of "
            "set_source()."
        )
    return getattr(built.lib, name)


def test_module_name(built):
    if built.module_name != "_dates_cffi":
        pytest.fail(f"set_source() names the module {built.module_name!r}, expected '_dates_cffi'")


def test_helper_is_not_in_lib(built):
    if hasattr(built.lib, HELPER):
        pytest.fail(
            f"lib.{HELPER} exists: Python can call the helper. lib has exactly what cdef() declares, "
            f"whatever the C code says (even a `static` function is reachable if cdef() declares it). "
            f"Remove the declaration of {HELPER} from ffibuilder.cdef(); the C functions can still call it."
        )


def test_helper_is_not_exported(built):
    if sys.platform == "win32":
        return  # a Windows DLL exports only the names it is told to: nothing to check there
    module_file = built.module.__file__
    try:
        exported = hasattr(ctypes.CDLL(module_file), HELPER)
    except OSError as exc:  # pragma: no cover - the module was just imported from this very file
        pytest.skip(f"could not open the compiled module with ctypes: {exc}")
    if exported:
        pytest.fail(
            f"the compiled module exports a C symbol named `{HELPER}` (ctypes.CDLL found it in the module "
            f"file). Without `static`, a C function's name is visible to the linker: another C file or "
            f"library linked into the same module with its own {HELPER} would clash with it. Mark the helper "
            f"`static` in the C code of set_source(), so that it stays inside that file."
        )


@pytest.mark.parametrize("name", ["days_in_year", "days_in_month"])
def test_signature(built, name):
    got = built.ffi.typeof(_function(built, name)).cname
    if got != SIGNATURES[name]:
        pytest.fail(
            f"ffi.typeof(lib.{name}).cname is {got!r}, expected {SIGNATURES[name]!r}. "
            f"Declare it as `{DECLARATIONS[name]}`, in cdef() and in the C code."
        )


def test_days_in_year(built):
    func = _function(built, "days_in_year")
    for year in YEARS:
        expected = 366 if calendar.isleap(year) else 365
        got = func(year)
        if got != expected:
            pytest.fail(
                f"lib.days_in_year({year}) returned {got!r}, expected {expected}. It calls the helper "
                f"{HELPER}(): keep the helper's C code as it was, only make it private."
            )


def test_days_in_month(built):
    func = _function(built, "days_in_month")
    for year in YEARS:
        for month in range(1, 13):
            expected = calendar.monthrange(year, month)[1]
            got = func(year, month)
            if got != expected:
                why = ""
                if month == 2:
                    leap = "a leap year" if calendar.isleap(year) else "not a leap year"
                    why = f" ({year} is {leap}: call {HELPER}(year) for February)"
                pytest.fail(f"lib.days_in_month({year}, {month}) returned {got!r}, expected {expected}{why}")


INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# Far outside 1..12: an unchecked table read at days[-1] or days[-2] may happen to find a 0 next to the table,
# but not 12 or a thousand ints away; a month kept in a char or a short wraps 257 or 65537 around to 1.
FAR_OUTSIDE = [-2, -12, -13, 24, 257, 1000, 65537, -65535, INT_MAX, INT_MIN + 1, INT_MIN]
WHY_OUTSIDE = (
    "months run from 1 to 12, and any other month number has no days. Check both ends "
    "(month < 1 || month > 12) before using the month, in the int it arrived in: reading a table outside "
    "its 12 entries is undefined in C (it may find a 0 there by luck), and a smaller type (char, short) "
    "wraps big numbers around into 1..12."
)


@pytest.mark.parametrize("month", [0, 13, -1, 100])
def test_days_in_month_outside_the_year(built, month):
    func = _function(built, "days_in_month")
    got = func(2024, month)
    if got != 0:
        pytest.fail(f"lib.days_in_month(2024, {month}) returned {got!r}, expected 0: {WHY_OUTSIDE}")


def test_days_in_month_far_outside_the_year(built):
    func = _function(built, "days_in_month")
    for month in FAR_OUTSIDE:
        got = func(2024, month)
        if got != 0:
            pytest.fail(f"lib.days_in_month(2024, {month}) returned {got!r}, expected 0: {WHY_OUTSIDE}")
