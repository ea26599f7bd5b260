"""Grader for 02_cdef/inventory: a cdef() written from a real header.

inventory.h declares three constants (two integer #defines and a double), two
typedefs, a typedef'd enum and six functions. The learner's cdef() must make
each of them reachable from ``lib``/``ffi`` with the header's types: checked
through the compiled module (``ffi.typeof``), and by calling the functions.
Types are compared by what they are (kind, size, signedness), so
``typedef int... item_id_t;`` or ``unsigned short`` for ``uint16_t`` pass too.
"""

from __future__ import annotations

import pytest

BUILDER = "inventory_build.py"
HEADER = "inventory.h"

CONSTANTS = {"INV_MAX_ITEMS": 64, "INV_NO_ITEM": 0xFFFF, "INV_VAT_RATE": 0.2}
TYPEDEFS = {"item_id_t": "uint16_t", "cents_t": "int32_t"}
ENUM = "category_t"
ENUM_VALUES = {"CAT_FOOD": 1, "CAT_TOOLS": 2, "CAT_TOYS": 10, "CAT_BOOKS": 11}

# name -> (result, [parameters]), spelled as in inventory.h
FUNCTIONS = {
    "inv_add": ("item_id_t", ["const char *", "category_t", "cents_t", "int"]),
    "inv_quantity": ("int", ["item_id_t"]),
    "inv_price_with_vat": ("cents_t", ["item_id_t"]),
    "inv_count": ("size_t", ["category_t"]),
    "inv_stock_value": ("double", []),
    "inv_clear": ("void", []),
}
PROTOTYPES = {
    "inv_add": "item_id_t inv_add(const char *name, category_t category, cents_t price, int quantity);",
    "inv_quantity": "int inv_quantity(item_id_t id);",
    "inv_price_with_vat": "cents_t inv_price_with_vat(item_id_t id);",
    "inv_count": "size_t inv_count(category_t category);",
    "inv_stock_value": "double inv_stock_value(void);",
    "inv_clear": "void inv_clear(void);",
}


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


# --- comparing types -----------------------------------------------------------------------


def _standard(ffi, spelled: str):
    """The ctype a header spelling stands for: typedef names of the header are replaced by
    the standard type behind them, so that the check does not depend on the learner's typedef."""
    if spelled == "const char *":
        return ffi.typeof("char *")
    if spelled == ENUM:
        return None  # the learner's own enum type: compared by kind
    return ffi.typeof(TYPEDEFS.get(spelled, spelled))


def _integer_sign(ffi, ctype):
    try:
        return int(ffi.cast(ctype, -1)) < 0
    except (TypeError, ValueError):
        return None


def _same(ffi, got, spelled: str) -> bool:
    want = _standard(ffi, spelled)
    if want is None:  # category_t
        return got.kind == "enum"
    if got is want:
        return True
    if got.kind != want.kind:
        return False
    if got.kind == "pointer":
        return got.item.cname == want.item.cname
    if got.kind == "primitive":
        floats = ("float", "double", "long double")
        return (
            ffi.sizeof(got) == ffi.sizeof(want)
            and (got.cname in floats) == (want.cname in floats)
            and _integer_sign(ffi, got) == _integer_sign(ffi, want)
        )
    return False


def _typeof(ffi, name: str):
    try:
        return ffi.typeof(name)
    except Exception:
        return None


# --- constants -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CONSTANTS))
def test_constant(built, name):
    expected = CONSTANTS[name]
    if not hasattr(built.lib, name):
        if isinstance(expected, float):
            pytest.fail(
                f"lib has no constant {name}. In {HEADER} it is `#define {name} 0.2`, a double, and "
                "cdef()'s #define only takes integers: declare it as a constant of type double whose "
                "value the C compiler supplies (see the lesson's section on constants)."
            )
        pytest.fail(
            f"lib has no constant {name}: lib only has what cdef() declares. Declare it in cdef(), as {HEADER} does."
        )
    got = getattr(built.lib, name)
    if type(got) is not type(expected) or got != expected:
        note = ""
        if isinstance(expected, float) and isinstance(got, float):
            note = " That is 0.2 rounded to a C float: declare the constant as a double, the type that 0.2 has in C."
        pytest.fail(f"lib.{name} is {got!r}, expected {expected!r} (a Python {type(expected).__name__}).{note}")


# --- types ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TYPEDEFS))
def test_typedef(built, name):
    ffi = built.ffi
    got = _typeof(ffi, name)
    if got is None:
        pytest.fail(
            f"ffi.typeof({name!r}) failed: the type name {name} is not declared. "
            f"Copy its typedef from {HEADER} into cdef(), before the prototypes that use it."
        )
    if not _same(ffi, got, name):
        pytest.fail(
            f"ffi.typeof({name!r}) is {got.cname!r} ({ffi.sizeof(got)} bytes), expected "
            f"{TYPEDEFS[name]!r}: {HEADER} says `typedef {TYPEDEFS[name]} {name};`."
        )


def test_enum_type(built):
    ffi = built.ffi
    got = _typeof(ffi, ENUM)
    if got is None:
        pytest.fail(
            f"ffi.typeof({ENUM!r}) failed: the type name {ENUM} is not declared. "
            f"Copy the `typedef enum {{ ... }} {ENUM};` of {HEADER} into cdef()."
        )
    if got.kind != "enum":
        pytest.fail(
            f"ffi.typeof({ENUM!r}) is {got.cname!r}, of kind {got.kind!r}; expected an enum type, "
            f"as in {HEADER}: `typedef enum {{ ... }} {ENUM};`."
        )


@pytest.mark.parametrize("name", list(ENUM_VALUES))
def test_enum_value(built, name):
    if not hasattr(built.lib, name):
        pytest.fail(
            f"lib has no {name}: each value of the enum {ENUM} becomes a constant on lib "
            f"once the enum is declared in cdef(). Declare all four values of {HEADER}'s enum."
        )
    got = getattr(built.lib, name)
    if got != ENUM_VALUES[name]:
        pytest.fail(f"lib.{name} is {got!r}, expected {ENUM_VALUES[name]}")


# --- functions -----------------------------------------------------------------------------


def _function(built, name):
    if not hasattr(built.lib, name):
        pytest.fail(
            f"lib has no function {name}: lib only has what cdef() declares. "
            f"Declare it as in {HEADER}: {PROTOTYPES[name]}"
        )
    return getattr(built.lib, name)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_function_type(built, name):
    ffi = built.ffi
    ftype = ffi.typeof(_function(built, name))
    result, params = FUNCTIONS[name]
    problems = []
    if not _same(ffi, ftype.result, result):
        problems.append(f"it returns {ftype.result.cname}, expected {result}")
    if len(ftype.args) != len(params):
        problems.append(f"it takes {len(ftype.args)} parameter(s), expected {len(params)}")
    else:
        for i, (got, want) in enumerate(zip(ftype.args, params), 1):
            if not _same(ffi, got, want):
                problems.append(f"parameter {i} is {got.cname}, expected {want}")
    if problems:
        pytest.fail(
            f"ffi.typeof(lib.{name}) is {ftype.cname!r}: {'; '.join(problems)}. {HEADER} declares: {PROTOTYPES[name]}"
        )


# --- calling the library -------------------------------------------------------------------


def _call(built, name, *args):
    func = _function(built, name)
    shown = f"lib.{name}({', '.join(map(repr, args))})"
    try:
        return shown, func(*args)
    except Exception as exc:
        pytest.fail(f"{shown} raised {type(exc).__name__}: {exc}")


def test_calls(built):
    lib = built.lib
    for name in [*ENUM_VALUES, "INV_VAT_RATE"]:
        if not hasattr(lib, name):
            pytest.fail(f"lib has no {name}: declare it first (see the checks above)")
    _call(built, "inv_clear")
    shown, hammer = _call(built, "inv_add", b"hammer", lib.CAT_TOOLS, 1250, 3)
    if hammer != 0:
        pytest.fail(f"{shown} returned {hammer!r}, expected 0 (the first item's id)")
    _, apple = _call(built, "inv_add", b"apple", lib.CAT_FOOD, 45, 40)
    checks = [
        (("inv_quantity", hammer), 3),
        (("inv_quantity", apple), 40),
        (("inv_quantity", 7), -1),
        (("inv_price_with_vat", hammer), 1500),
        (("inv_price_with_vat", apple), 54),
        (("inv_count", lib.CAT_TOOLS), 1),
        (("inv_count", lib.CAT_BOOKS), 0),
        (("inv_stock_value",), 55.5),
    ]
    for (name, *args), expected in checks:
        shown, got = _call(built, name, *args)
        if got != expected:
            pytest.fail(
                f"after adding 3 hammers at 12.50 and 40 apples at 0.45, {shown} returned {got!r}, "
                f"expected {expected!r}. Check that its prototype in cdef() matches {HEADER}."
            )
    _call(built, "inv_clear")
    shown, got = _call(built, "inv_count", lib.CAT_FOOD)
    if got != 0:
        pytest.fail(f"after lib.inv_clear(), {shown} returned {got!r}, expected 0")
