"""Grader for 02_cdef/timer: `...` lets the C compiler fill in what cdef() leaves open.

timer.h's types (time_t, clock_t, a float-or-double chosen by a build option),
constants (macros over CLOCKS_PER_SEC and INT_MAX) and enum values (expressions
over another macro) must reach Python with the values and types the C compiler
gives them. The reference is C itself: timer.c's timer_c_value(name) reports
what the compiler sees. A value that is right on this machine only because it
was copied by hand (``#define TICKS_PER_SECOND 1000000``, ``typedef long
stamp_t;``) is not what the exercise asks, and is caught by looking at the
declarations of the learner's builder.
"""

from __future__ import annotations

import time

import pytest

from grader.testing import cdef_declarations

BUILDER = "timer_build.py"
HEADER = "timer.h"

INTEGER_TYPES = {"stamp_t": "time_t", "ticks_t": "clock_t"}
FLOAT_TYPES = {"seconds_t": "double or float"}
WHY = {
    "stamp_t": "time_t, a type cdef() does not know, and whose size and sign differ between systems",
    "ticks_t": "clock_t, a type cdef() does not know, and whose size and sign differ between systems",
    "seconds_t": "double or float, depending on a build option (TIMER_SINGLE_PRECISION)",
}
CONSTANTS = ["TICKS_PER_SECOND", "TIMER_MAX_SECONDS", "TIMER_RESOLUTION"]
ENUM = "enum timer_state"
ENUM_NAMES = ["TIMER_IDLE", "TIMER_RUNNING", "TIMER_EXPIRED"]

# name -> (result, [parameters]), as timer.h spells them
FUNCTIONS = {
    "timer_now": ("stamp_t", []),
    "timer_ticks": ("ticks_t", []),
    "timer_seconds": ("seconds_t", ["ticks_t"]),
    "timer_check": (ENUM, ["seconds_t", "seconds_t"]),
}
PROTOTYPES = {
    "timer_now": "stamp_t timer_now(void);",
    "timer_ticks": "ticks_t timer_ticks(void);",
    "timer_seconds": "seconds_t timer_seconds(ticks_t ticks);",
    "timer_check": "enum timer_state timer_check(seconds_t elapsed, seconds_t limit);",
}

GAPS = "see the lesson's section on letting the C compiler fill the gaps"


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def declared(exercise, built):
    """What the learner's cdef() says, before the compiler had its word: {kind name: type}.
    None if this version of cffi keeps it elsewhere (then only behaviour is checked)."""
    return cdef_declarations(exercise.builder_ffi(BUILDER))


def c_value(built, name: str) -> float:
    """What the C compiler says (timer.c's timer_c_value)."""
    func = getattr(built.lib, "timer_c_value", None)
    if func is None:
        pytest.fail(
            "lib has no function timer_c_value: keep the given cdef() that declares "
            "`double timer_c_value(const char *name);` (the grader uses it to ask C for the real values)."
        )
    value = func(name.encode())
    if value == -1:
        pytest.fail(f"timer_c_value({name!r}) does not know that name: use timer.c as it is.")
    return value


def _typeof(ffi, name):
    try:
        return ffi.typeof(name)
    except Exception:
        return None


# --- types ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(INTEGER_TYPES) + list(FLOAT_TYPES))
def test_type(built, declared, name):
    ffi = built.ffi
    got = _typeof(ffi, name)
    real = INTEGER_TYPES.get(name) or FLOAT_TYPES[name]
    if got is None:
        pytest.fail(
            f"ffi.typeof({name!r}) failed: the type name {name} is not declared. In {HEADER} it "
            f"is {WHY[name]}: declare {name} so that the C compiler decides which type it is ({GAPS})."
        )
    size = int(c_value(built, f"sizeof {name}"))
    is_float = got.kind == "primitive" and got.cname in ("float", "double", "long double")
    if name in FLOAT_TYPES:
        right = is_float and ffi.sizeof(got) == size
        expected = f"a floating-point type of {size} bytes"
    else:
        signed = bool(c_value(built, f"signed {name}"))
        right = (
            got.kind == "primitive"
            and not is_float
            and ffi.sizeof(got) == size
            and (int(ffi.cast(got, -1)) < 0) == signed
        )
        expected = f"a{' signed' if signed else 'n unsigned'} integer type of {size} bytes, like {real} here"
    if not right:
        pytest.fail(
            f"ffi.typeof({name!r}) is {got.cname!r} ({ffi.sizeof(got)} bytes), expected {expected}. "
            f"Let the C compiler decide which type it is ({GAPS})."
        )
    if declared is not None:
        tp = declared.get(f"typedef {name}")
        wanted = "UnknownFloatType" if name in FLOAT_TYPES else "UnknownIntegerType"
        if tp is not None and type(tp).__name__ != wanted:
            kind = "float" if name in FLOAT_TYPES else "int"
            pytest.fail(
                f"your cdef() fixes {name} as {tp.get_c_name()!r}. That happens to be right on this machine, "
                f"but in {HEADER} {name} is {WHY[name]}: leave the choice to the C compiler with "
                f"`typedef {kind}... {name};`."
            )


# --- constants -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", CONSTANTS)
def test_constant(built, declared, name):
    lib = built.lib
    expected = c_value(built, name)
    if not hasattr(lib, name):
        extra = (
            " Note that cdef()'s #define only takes integers, and this one is a double."
            if name == "TIMER_RESOLUTION"
            else ""
        )
        pytest.fail(
            f"lib has no constant {name}: declare it in cdef() with its value left to the C compiler ({GAPS}).{extra}"
        )
    got = getattr(lib, name)
    if got != expected:
        pytest.fail(f"lib.{name} is {got!r}, but the C compiler says {name} is {expected!r}")
    if name == "TIMER_RESOLUTION" and not isinstance(got, float):
        pytest.fail(f"lib.{name} is the int {got!r}, expected a float: in C, {name} is a double")
    if declared is not None:
        tp = declared.get(f"macro {name}")
        if tp is not None and tp != "...":
            pytest.fail(
                f"your cdef() writes the number {tp!r} for {name}. It is the right value on this machine, "
                f"copied by hand; but {HEADER} computes {name} from other macros, and CLOCKS_PER_SEC "
                f"differs between systems (1000000 on Linux and macOS, 1000 on Windows). Let the C "
                f"compiler supply the value ({GAPS})."
            )


# --- enum ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ENUM_NAMES)
def test_enum_value(built, declared, name):
    lib = built.lib
    expected = int(c_value(built, name))
    if not hasattr(lib, name):
        pytest.fail(
            f"lib has no {name}: declare `{ENUM}` with its three values in cdef(). {HEADER} "
            f"writes them as expressions over TIMER_STATE_BASE, which cdef() cannot compute: "
            f"let the C compiler fill in the values ({GAPS})."
        )
    got = getattr(lib, name)
    if got != expected:
        pytest.fail(f"lib.{name} is {got!r}, but the C compiler says {expected}")
    if declared is not None:
        tp = declared.get(ENUM)
        if tp is not None and not getattr(tp, "partial", True) and name in tp.enumerators:
            said = tp.enumvalues[tp.enumerators.index(name)]
            if said != expected:
                pytest.fail(
                    f"your cdef() gives {name} the value {said}, and the C compiler says {expected}. "
                    f"lib.{name} shows C's value because API mode asks the compiler, but the declaration "
                    f"is wrong (ABI mode, which has no compiler, would use yours). Do not guess the values: "
                    f"mark the enum so that the compiler fills them in ({GAPS})."
                )


# --- functions -----------------------------------------------------------------------------


def _same(ffi, got, want) -> bool:
    if got is want:
        return True
    if got.kind != want.kind:
        return False
    if got.kind == "enum":
        return got.cname == want.cname
    if got.kind == "primitive":
        floats = ("float", "double", "long double")
        if (got.cname in floats) != (want.cname in floats) or ffi.sizeof(got) != ffi.sizeof(want):
            return False
        return got.cname in floats or (int(ffi.cast(got, -1)) < 0) == (int(ffi.cast(want, -1)) < 0)
    return False


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_function_type(built, name):
    ffi = built.ffi
    if not hasattr(built.lib, name):
        pytest.fail(f"lib has no function {name}: declare it as in {HEADER}: {PROTOTYPES[name]}")
    ftype = ffi.typeof(getattr(built.lib, name))
    result, params = FUNCTIONS[name]
    for spelled in [result, *params]:
        if _typeof(ffi, spelled) is None:
            pytest.fail(f"{name} uses {spelled}, which your cdef() does not declare (see the checks on types)")
    problems = []
    if not _same(ffi, ftype.result, ffi.typeof(result)):
        problems.append(f"it returns {ftype.result.cname}, expected {result} ({ffi.typeof(result).cname})")
    if len(ftype.args) != len(params):
        problems.append(f"it takes {len(ftype.args)} parameter(s), expected {len(params)}")
    else:
        for i, (got, spelled) in enumerate(zip(ftype.args, params), 1):
            if not _same(ffi, got, ffi.typeof(spelled)):
                problems.append(f"parameter {i} is {got.cname}, expected {spelled} ({ffi.typeof(spelled).cname})")
    if problems:
        pytest.fail(
            f"ffi.typeof(lib.{name}) is {ftype.cname!r}: {'; '.join(problems)}. {HEADER} declares: {PROTOTYPES[name]}"
        )


# --- calling the library -------------------------------------------------------------------


def test_calls(built):
    lib = built.lib
    needed = list(FUNCTIONS) + ENUM_NAMES + ["TICKS_PER_SECOND", "TIMER_MAX_SECONDS"]
    missing = [n for n in needed if not hasattr(lib, n)]
    if missing:
        pytest.fail(f"lib has no {', '.join(missing)} (see the checks above)")
    ticks = lib.TICKS_PER_SECOND
    checks = [
        (("timer_seconds", 3 * ticks), 3.0),
        (("timer_seconds", ticks // 2), 0.5),
        (("timer_check", 1.0, 5.0), lib.TIMER_RUNNING),
        (("timer_check", 5.0, 5.0), lib.TIMER_EXPIRED),
        (("timer_check", 1.0, 0.0), lib.TIMER_IDLE),
        (("timer_check", 1.0, lib.TIMER_MAX_SECONDS + 1.0), lib.TIMER_IDLE),
    ]
    for (name, *args), expected in checks:
        shown = f"lib.{name}({', '.join(map(repr, args))})"
        try:
            got = getattr(lib, name)(*args)
        except Exception as exc:
            pytest.fail(f"{shown} raised {type(exc).__name__}: {exc}")
        if got != expected:
            pytest.fail(f"{shown} returned {got!r}, expected {expected!r}")
    now = lib.timer_now()
    if abs(now - time.time()) > 60:
        pytest.fail(f"lib.timer_now() returned {now!r}, expected about {int(time.time())} (time.time())")
    if lib.timer_ticks() < 0:
        pytest.fail(f"lib.timer_ticks() returned {lib.timer_ticks()!r}, expected a count of ticks, not negative")
