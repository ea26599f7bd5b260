"""Grader for 02_cdef/weather: a pasted header repaired into a cdef() cffi accepts.

The stub's cdef() has six problems (an #include, a macro in front of a
prototype, a double and an expression in #defines, a function declared twice,
a function body), so it does not build: its status is "error" until they are
fixed. Once it builds, every name of the stub must still work, with its value
and types; the duplicate must be removed, not hidden with override=True.
"""

from __future__ import annotations

import ast

import pytest

BUILDER = "weather_build.py"
HEADER = "weather.h"

CONSTANTS = {"ABSOLUTE_ZERO_C": -273.15, "READINGS_PER_WEEK": 168}
ENUM_VALUES = {"TREND_FALLING": -1, "TREND_STEADY": 0, "TREND_RISING": 1}

# name -> (result, [parameters]) as ctype spellings, and the prototype as weather.h has it
FUNCTIONS = {
    "c_to_f": ("double", ["float"], "double c_to_f(celsius_t celsius);"),
    "trend_of": ("enum trend", ["float", "float"], "enum trend trend_of(celsius_t before, celsius_t after);"),
    "readings_needed": ("int", ["int"], "int readings_needed(int days);"),
    "is_frost": ("int", ["float"], "int is_frost(celsius_t celsius);  (its body stays in weather.h)"),
}


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


def test_constants(built):
    for name, expected in CONSTANTS.items():
        if not hasattr(built.lib, name):
            pytest.fail(
                f"lib has no constant {name}: the stub declared it, so the repaired cdef() must too. "
                "A #define in cdef() takes an integer literal or `...`; a constant of another type is "
                "declared as `static const TYPE NAME;`."
            )
        got = getattr(built.lib, name)
        if type(got) is not type(expected) or got != expected:
            note = ""
            if isinstance(expected, float) and isinstance(got, float):
                note = f" That is {expected} rounded to a C float: in C, {expected} is a double."
            pytest.fail(f"lib.{name} is {got!r}, expected {expected!r} (a Python {type(expected).__name__}).{note}")


def test_celsius_t(built):
    try:
        got = built.ffi.typeof("celsius_t")
    except Exception:
        pytest.fail("ffi.typeof('celsius_t') failed: keep the stub's `typedef float celsius_t;` in cdef().")
    if got.cname != "float":
        pytest.fail(f"ffi.typeof('celsius_t') is {got.cname!r}, expected 'float' ({HEADER}: typedef float celsius_t;)")


def test_enum_values(built):
    for name, expected in ENUM_VALUES.items():
        if not hasattr(built.lib, name):
            pytest.fail(f"lib has no {name}: keep the stub's `enum trend {{ ... }};` in cdef().")
        got = getattr(built.lib, name)
        if got != expected:
            pytest.fail(f"lib.{name} is {got!r}, expected {expected}")


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_function(built, name):
    ffi = built.ffi
    result, params, prototype = FUNCTIONS[name]
    if not hasattr(built.lib, name):
        pytest.fail(
            f"lib has no function {name}: the stub declared it, so the repaired cdef() must too. "
            f"Declare it as {prototype}"
        )
    got = ffi.typeof(getattr(built.lib, name))
    want = ffi.typeof(f"{result}(*)({', '.join(params) or 'void'})")
    if got is not want:
        pytest.fail(f"ffi.typeof(lib.{name}) is {got.cname!r}, expected {want.cname!r}. {HEADER} declares: {prototype}")


def test_calls(built):
    lib = built.lib
    for name in FUNCTIONS:
        if not hasattr(lib, name):
            pytest.fail(f"lib has no function {name} (see the checks above)")
    for name in ENUM_VALUES:
        if not hasattr(lib, name):
            pytest.fail(f"lib has no {name} (see the checks above)")
    checks = [
        (("c_to_f", 100.0), 212.0),
        (("c_to_f", -40.0), -40.0),
        (("trend_of", 10.0, 12.5), lib.TREND_RISING),
        (("trend_of", 10.0, 10.25), lib.TREND_STEADY),
        (("trend_of", 3.0, -1.0), lib.TREND_FALLING),
        (("readings_needed", 3), 72),
        (("is_frost", -0.5), 1),
        (("is_frost", 4.0), 0),
    ]
    for (name, *args), expected in checks:
        shown = f"lib.{name}({', '.join(map(repr, args))})"
        try:
            got = getattr(lib, name)(*args)
        except Exception as exc:
            pytest.fail(f"{shown} raised {type(exc).__name__}: {exc}")
        if got != expected:
            pytest.fail(f"{shown} returned {got!r}, expected {expected!r}")


def test_no_override(exercise):
    """override=True makes cffi accept the duplicate instead of removing it."""
    source = exercise.read(BUILDER)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return  # the build reports it
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg == "override" and not (isinstance(value, ast.Constant) and not value.value):
                    pytest.fail(
                        f"{exercise.show(BUILDER)}, line {node.lineno}: cdef(..., override=True) silences the "
                        "'multiple declarations' error by letting the second declaration replace the first. "
                        "It is meant for trying things in an interactive session; in a builder, a function "
                        "declared twice is a mistake: delete one of the two declarations instead."
                    )
