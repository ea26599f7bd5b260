"""Grader for 04_compile/units: repair a builder that does not build.

The starter file has two problems, which the engine reports one at a time as
an error (status "error", the checks cannot run): a C compile error (a
misspelt parameter, reported at the learner's builder line through the
``#line`` directive the engine adds), and, once that is fixed, a function
declared in cdef() that no C code defines (``km_to_mile`` vs ``km_to_miles``:
gcc 12 only warns, the import fails with "undefined symbol"; newer compilers
refuse to compile). The repaired module must offer the three conversions
under the names and types of the task, with the right values: removing or
renaming the declaration is not a repair.

A `{` left open in the learner's C makes gcc report errors only in cffi's glue;
the engine's message then points at the unclosed brace.
"""

from __future__ import annotations

import math

import pytest

BUILDER = "units_build.py"
SIGNATURE = "double(*)(double)"
PARAMETERS = {"c_to_f": "celsius", "f_to_c": "fahrenheit", "km_to_miles": "km"}
# Each conversion gets inputs that a C float cannot hold exactly (36.6, 0.1, 98.6, 42.195): a float parameter,
# result or variable behind cdef()'s double then gives a result wrong in the 8th digit. (100, 0, -40 and 37 are
# exact floats, and a `double c_to_f(float celsius)` got them all right.)
VALUES = {
    "c_to_f": {100.0: 212.0, 0.0: 32.0, -40.0: -40.0, 37.0: 98.6, 36.6: 97.88, 0.1: 32.18},
    "f_to_c": {212.0: 100.0, 32.0: 0.0, -40.0: -40.0, 98.6: 37.0, 97.88: 36.6},
    "km_to_miles": {1.609344: 1.0, 0.0: 0.0, 42.195: 42.195 / 1.609344, 100.0: 62.13711922373339},
}
FORMULAS = {"c_to_f": "celsius * 9 / 5 + 32", "f_to_c": "(fahrenheit - 32) * 5 / 9", "km_to_miles": "km / 1.609344"}


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


def _function(built, name):
    if not hasattr(built.lib, name):
        others = [n for n in dir(built.lib) if n not in PARAMETERS]
        also = f" (it has {', '.join(others)})" if others else ""
        pytest.fail(
            f"the compiled module has no function `{name}`{also}. The module must offer all three conversions "
            f"under their names: keep `double {name}(double {PARAMETERS[name]});` in cdef(), and give the C "
            "function in set_source() exactly that name."
        )
    return getattr(built.lib, name)


def test_module_name(built):
    if built.module_name != "_units_cffi":
        pytest.fail(f"set_source() names the module {built.module_name!r}, expected '_units_cffi'")


@pytest.mark.parametrize("name", list(PARAMETERS))
def test_declared(built, name):
    got = built.ffi.typeof(_function(built, name)).cname
    if got != SIGNATURE:
        pytest.fail(
            f"ffi.typeof(lib.{name}).cname is {got!r}, expected {SIGNATURE!r}: keep "
            f"`double {name}(double {PARAMETERS[name]})` in cdef() and in the C code"
        )


@pytest.mark.parametrize("name", list(PARAMETERS))
def test_values(built, name):
    func = _function(built, name)
    for arg, expected in VALUES[name].items():
        got = func(arg)
        if not math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9):
            single = ""
            if math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-6):
                single = (
                    " That is right to about 7 digits only, a C float's precision: somewhere in the C "
                    f"function a value is a float (the parameter, the result, a variable, a 9.0f). Make "
                    f"every one a double, as cdef() declares: `double {name}(double {PARAMETERS[name]})`."
                )
            pytest.fail(f"lib.{name}({arg}) returned {got!r}, expected {expected!r} ({FORMULAS[name]}).{single}")
