"""Grader for 07_structs/layout: a partial struct (`...;`) whose real layout comes from the C compiler.

layout_build.py must declare ``struct reading`` (reading.h) with the fields
Python uses, channel, value and unit, with the types reading.h gives them,
and end it with ``...;``. The grader compiles its own probe of reading.h (a
separate module that reports ``sizeof`` and ``offsetof`` as the C compiler
computes them) and compares them with ``ffi.sizeof`` / ``ffi.offsetof`` of the
learner's module. A full declaration that guesses the layout (a missing
field, fields out of order) is refused by cffi with ``ffi.error`` on first
use: the grader explains that message. A full declaration that happens to be
right on this machine is refused too: it lists ``long sequence`` and the
private pointer, whose sizes change with the platform, and is correct on one
platform only. Finally C and Python must agree on the fields' contents
through ``reading_init()`` and ``reading_set()``.
"""

from __future__ import annotations

import pytest

from grader.testing import cdef_declarations

BUILDER = "layout_build.py"
NEEDED = {"channel": "int", "value": "double", "unit": "char[6]"}
PRIVATE = {"flags", "sequence", "priv"}  # the library's fields: Python has no use for them
FUNCTIONS = {
    "reading_init": ("void", ["struct reading *", "int"], "void reading_init(struct reading *r, int channel);"),
    "reading_set": (
        "long",
        ["struct reading *", "double", "char *"],
        "long reading_set(struct reading *r, double value, const char *unit);",
    ),
}

PROBE = '''
from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("size_t probe_sizeof(void); size_t probe_offsetof(int field); size_t probe_fieldsize(int field);")
ffibuilder.set_source("_reading_probe_cffi", """
    #include <stddef.h>
    #include "reading.h"

    size_t probe_sizeof(void) { return sizeof(struct reading); }

    size_t probe_offsetof(int field)
    {
        switch (field) {
        case 0: return offsetof(struct reading, channel);
        case 1: return offsetof(struct reading, value);
        case 2: return offsetof(struct reading, unit);
        }
        return (size_t)-1;
    }

    size_t probe_fieldsize(int field)
    {
        struct reading r;
        switch (field) {
        case 0: return sizeof r.channel;
        case 1: return sizeof r.value;
        case 2: return sizeof r.unit;
        }
        return (size_t)-1;
    }
""", include_dirs=[INCLUDE_DIR])
'''
PROBE_FIELDS = ["channel", "value", "unit"]


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def compiler(exercise, tmp_path_factory):
    """The C compiler's own answers about struct reading: a probe module built from reading.h."""
    folder = tmp_path_factory.mktemp("probe")
    builder = folder / "_reading_probe_build.py"
    builder.write_text(PROBE.replace("INCLUDE_DIR", repr(str(exercise.dir))), encoding="utf-8")
    lib = exercise.build_module(str(builder)).lib
    return {
        "sizeof": lib.probe_sizeof(),
        "offsetof": {name: lib.probe_offsetof(i) for i, name in enumerate(PROBE_FIELDS)},
        "fieldsize": {name: lib.probe_fieldsize(i) for i, name in enumerate(PROBE_FIELDS)},
    }


def _fields(built) -> dict:
    """{name: ctype name} of the learner's struct reading; fails with an explanation if cffi refuses it."""
    ffi = built.ffi
    try:
        ctype = ffi.typeof("struct reading")
        ffi.sizeof(ctype)  # where cffi checks a full declaration against the compiler's layout
        fields = ctype.fields
    except ffi.error as exc:
        text = str(exc)
        first = text.splitlines()[0] if text else ""
        if any(w in text for w in ("opaque", "undefined", "unknown", "don't know the size")):
            pytest.fail(
                f"cdef() declares `struct reading` without its fields: cffi treats it as opaque "
                f'(ffi.sizeof("struct reading") raised ffi.error: {first}). Python can then neither '
                "allocate one nor read its fields. Declare the fields Python uses: channel, value, unit."
            )
        if "wrong size for field" in text:
            pytest.fail(
                f"cffi compared your struct reading with the C compiler's and refused it:\n  ffi.error: "
                f"{text}\nEven with `...;`, each field you declare is checked: give it the type reading.h "
                "gives it (an array's length included)."
            )
        pytest.fail(
            f"cffi compared your struct reading with the C compiler's and refused it:\n  ffi.error: {text}\n"
            "A struct declared without `...;` must list every field of the C struct, with its type, in "
            "order: cdef() then says exactly where each field is, and that is wrong as soon as one field "
            "is missing or out of place (C also adds padding between fields). End the declaration with "
            "`...;` instead: the C compiler then supplies the size and every offset, and you list only "
            "the fields Python needs."
        )
    return {name: field.type.cname for name, field in fields or []}


def test_struct_declares_the_needed_fields(built):
    declared = _fields(built)
    for name, cname in NEEDED.items():
        if name not in declared:
            pytest.fail(
                f"cdef()'s struct reading has no field `{name}` (it declares: "
                f"{', '.join(declared) or 'none'}). Declare channel, value and unit, the fields Python uses."
            )
        if declared[name] != cname:
            pytest.fail(
                f"cdef() declares the field `{name}` of struct reading as `{declared[name]}`; reading.h "
                f"makes it `{cname}`. cffi reads and writes a field by the type cdef() gives it: declare "
                "the type of the header."
            )


def test_layout_matches_the_c_compiler(built, compiler):
    ffi = built.ffi
    declared = _fields(built)
    size = ffi.sizeof("struct reading")
    if size != compiler["sizeof"]:
        pytest.fail(
            f'ffi.sizeof("struct reading") is {size}, but the C compiler says sizeof(struct reading) is '
            f"{compiler['sizeof']}: Python and C would disagree on where one reading ends. End the "
            "declaration with `...;` so that the compiler supplies the size."
        )
    for name in PROBE_FIELDS:
        if name not in declared:
            continue
        offset = ffi.offsetof("struct reading", name)
        if offset != compiler["offsetof"][name]:
            pytest.fail(
                f'ffi.offsetof("struct reading", {name!r}) is {offset}, but the C compiler puts `{name}` at '
                f"offset {compiler['offsetof'][name]}. End the declaration with `...;` so that the "
                "compiler supplies every offset."
            )
        field_size = ffi.sizeof(dict(ffi.typeof("struct reading").fields)[name].type)
        if field_size != compiler["fieldsize"][name]:
            pytest.fail(
                f"the field `{name}` takes {field_size} bytes in your cdef(), {compiler['fieldsize'][name]} "
                "in reading.h: declare it with the header's type."
            )


def test_declaration_is_partial_and_portable(built, exercise):
    declared = _fields(built)
    private = sorted(PRIVATE & set(declared))
    if "sequence" in private or "priv" in private:
        pytest.fail(
            f"cdef()'s struct reading declares {', '.join(f'`{n}`' for n in private)}: fields that "
            "belong to the library, and whose size changes with the platform (`long` is 8 bytes on "
            "Linux and macOS, 4 on Windows, which moves every field after it). A declaration that lists "
            "them is right on one platform only. Declare only channel, value and unit, and end with `...;`."
        )
    builder = exercise.builder_ffi(BUILDER)
    declaration = (cdef_declarations(builder) or {}).get("struct reading")
    partial = getattr(declaration, "partial", None)
    if partial is False:
        pytest.fail(
            "cdef()'s struct reading has no `...;`: it says the struct holds exactly the fields it lists. "
            "End the declaration with `...;` (its last line) so that the C compiler supplies the layout."
        )


def test_functions_declared_types(built):
    for name, (result, args, prototype) in FUNCTIONS.items():
        func = getattr(built.lib, name, None)
        if func is None:
            pytest.fail(f"the compiled module has no function `{name}`: keep `{prototype}` in cdef().")
        ctype = built.ffi.typeof(func)
        if (ctype.result.cname, [a.cname for a in ctype.args]) != (result, args):
            pytest.fail(
                f"ffi.typeof(lib.{name}) is {ctype.cname!r}, expected '{result}(*)({', '.join(args)})': "
                f"declare `{prototype}` as reading.h does."
            )


def test_c_and_python_agree_on_the_fields(built):
    ffi, lib = built.ffi, built.lib
    missing = [n for n in NEEDED if n not in _fields(built)]
    if missing:
        pytest.fail(f"cdef()'s struct reading has no field `{missing[0]}`: declare channel, value and unit.")
    r = ffi.new("struct reading *", {"value": 99.0, "unit": b"junk"})
    lib.reading_init(r, 7)
    if (r.channel, r.value, ffi.string(r.unit)) != (7, 0.0, b""):
        pytest.fail(
            f"after lib.reading_init(r, 7), Python reads channel={r.channel!r}, value={r.value!r}, "
            f"unit={ffi.string(r.unit)!r}; C set channel=7, value=0.0, unit=b''. Python reads the fields "
            "at the wrong places: let the C compiler supply the layout with `...;`."
        )
    for value, unit, expected_unit in [(21.5, b"degC", b"degC"), (-3.25, b"hPa", b"hPa"), (0.5, b"toolong", b"toolo")]:
        lib.reading_set(r, value, unit)
        got = (r.channel, r.value, ffi.string(r.unit))
        if got != (7, value, expected_unit):
            pytest.fail(
                f"after lib.reading_set(r, {value!r}, {unit!r}), Python reads channel, value, unit = {got!r}; "
                f"C wrote (7, {value!r}, {expected_unit!r}). Let the C compiler supply the layout with `...;`."
            )
