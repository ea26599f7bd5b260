"""Grader for 07_structs/geometry: declare structs in cdef(), pass them by pointer and by value.

geometry_build.py must declare ``struct point`` (two doubles), ``struct rect``
(two nested points) and the four functions with the types of their C
definitions: the grader reads ``ffi.typeof(...)`` for each, and explains the
``ffi.error`` cffi raises when a struct's layout disagrees with the C compiler.
geometry.py must make new owned structs (``new_point``, ``new_rect``), read
them back (``as_tuple``), and call C: ``area`` with a pointer (its result is a
double: an ``int`` declaration would cut the fractions), ``union`` with two
structs by value, returning a new struct and leaving its arguments unchanged
(byte for byte), ``move`` changing the caller's own struct in place (a moved
copy is wrong), ``contains`` passing a point by value and returning a bool.
A spy standing in for ``lib`` checks that the answers come from C.
"""

from __future__ import annotations

import gc

import pytest

from grader.testing import LibSpy, install_lib_spy

BUILDER = "geometry_build.py"

STRUCTS = {
    "struct point": [("x", "double"), ("y", "double")],
    "struct rect": [("min", "struct point"), ("max", "struct point")],
}
FUNCTIONS = {  # name -> (result, args) as cffi spells them (it drops `const`)
    "rect_area": ("double", ["struct rect *"], "double rect_area(const struct rect *r);"),
    "rect_union": (
        "struct rect",
        ["struct rect", "struct rect"],
        "struct rect rect_union(struct rect a, struct rect b);",
    ),
    "point_move": (
        "void",
        ["struct point *", "double", "double"],
        "void point_move(struct point *p, double dx, double dy);",
    ),
    "rect_contains": (
        "int",
        ["struct rect *", "struct point"],
        "int rect_contains(const struct rect *r, struct point p);",
    ),
}


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def geometry(exercise, built):
    return exercise.import_module("geometry")


@pytest.fixture
def spy(geometry, built, monkeypatch):
    """Put the spy wherever geometry.py can reach the C functions (grader.testing.install_lib_spy)."""
    return install_lib_spy(geometry, built, monkeypatch, LibSpy(built.lib))


def _struct_problem(built, name: str) -> str:
    """Why `name` is not declared as the C code defines it, or ""."""
    ffi = built.ffi
    try:
        ctype = ffi.typeof(name)
        fields = ctype.fields
    except ffi.error as exc:
        text = str(exc)
        if any(w in text for w in ("undefined", "unknown", "not found", "opaque")):
            first = text.splitlines()[0] if text else ""
            return (
                f"`{name}` is not declared in geometry_build.py's cdef() (ffi.typeof({name!r}) raised "
                f"ffi.error: {first}). Declare it with its fields, as the C code in set_source() defines it."
            )
        return (
            f"cffi compared your cdef() of `{name}` with the C compiler's and refused it: ffi.error: {text}\n"
            f"In API mode cffi checks every struct declared without `...;` against the real one: the fields, "
            f"their types and their order must be exactly those of the C code in set_source()."
        )
    except Exception as exc:  # an undeclared type: CDefError and kin
        return (
            f"`{name}` is not declared in geometry_build.py's cdef() ({type(exc).__name__}: {exc}). Declare it "
            "with its fields, as the C code in set_source() defines it."
        )
    got = [(field_name, field.type.cname) for field_name, field in fields or []]
    expected = STRUCTS[name]
    if sorted(got) != sorted(expected):
        shown = "; ".join(f"{t} {n}" for n, t in got) or "no fields"
        want = "; ".join(f"{t} {n}" for n, t in expected)
        return (
            f"cdef() declares `{name}` with {shown}; the C code defines {want}. Declare the same fields with "
            "the same types."
        )
    return ""


def _require_declarations(built) -> None:
    problems = [p for p in (_struct_problem(built, name) for name in STRUCTS) if p]
    if problems:
        pytest.fail(problems[0])
    missing = [name for name in FUNCTIONS if not hasattr(built.lib, name)]
    if missing:
        pytest.fail(
            f"the compiled module has no function `{missing[0]}`: lib only has what cdef() declares. "
            f"Declare it in geometry_build.py: `{FUNCTIONS[missing[0]][2]}`"
        )


def _call(geometry, name: str, *args, shown: str | None = None):
    func = getattr(geometry, name, None)
    if not callable(func):
        pytest.fail(f"geometry.py has no function `{name}`: keep the `def {name}(...)` of the starter file.")
    call = f"geometry.{name}({shown if shown is not None else ', '.join(map(repr, args))})"
    try:
        return call, func(*args)
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODO in {name}() with your code.")
    except Exception as exc:
        hint = ""
        if isinstance(exc, TypeError) and "initializer for ctype" in str(exc):
            hint = (
                " A pointer parameter takes a pointer cdata (what ffi.new() returns); a struct parameter "
                "passed by value takes a struct (p[0]) or an initializer (a dict or a list)."
            )
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}.{hint}")


def _point(built, x, y):
    return built.ffi.new("struct point *", {"x": x, "y": y})


def _rect(built, x0, y0, x1, y1):
    return built.ffi.new("struct rect *", {"min": {"x": x0, "y": y0}, "max": {"x": x1, "y": y1}})


def _rect_values(rect):
    return (rect.min.x, rect.min.y, rect.max.x, rect.max.y)


def _show_rect(built, rect) -> str:
    return f"<struct rect * {_rect_values(rect)}>"


def _address(ffi, cdata) -> int:
    if ffi.typeof(cdata).kind == "pointer":
        return int(ffi.cast("uintptr_t", cdata))
    return int(ffi.cast("uintptr_t", ffi.addressof(cdata)))


def test_structs_declared(built):
    for name in STRUCTS:
        problem = _struct_problem(built, name)
        if problem:
            pytest.fail(problem)


def test_functions_declared_types(built):
    _require_declarations(built)
    for name, (result, args, prototype) in FUNCTIONS.items():
        ctype = built.ffi.typeof(getattr(built.lib, name))
        got_result, got_args = ctype.result.cname, [a.cname for a in ctype.args]
        if (got_result, got_args) != (result, args):
            note = ""
            if name == "rect_area" and got_result != "double":
                note = (
                    " cffi converts the result by the type cdef() declares: an integer type would cut the "
                    "fraction off every area."
                )
            elif got_args != args:
                note = (
                    " A pointer (`struct rect *`) and a struct passed by value (`struct rect`) are not "
                    "interchangeable: declare each parameter as the C definition does."
                )
            pytest.fail(
                f"ffi.typeof(lib.{name}) is {ctype.cname!r}, expected "
                f"'{result}(*)({', '.join(args)})': declare `{prototype}` in cdef().{note}"
            )


def _check_pointer_to(built, call, got, ctype_name):
    ffi = built.ffi
    if not isinstance(got, ffi.CData):
        pytest.fail(
            f"{call} returned {got!r} ({type(got).__name__}), expected a new `{ctype_name}` cdata "
            f"made by ffi.new({ctype_name!r}, ...)."
        )
    cname = ffi.typeof(got).cname
    if cname != ctype_name:
        extra = ""
        if cname == ctype_name.rstrip(" *"):
            extra = " That is the struct itself: return the pointer ffi.new() gives, not p[0]."
        pytest.fail(
            f"{call} returned a `{cname}` cdata, expected a `{ctype_name}` (what ffi.new({ctype_name!r}, "
            f"...) returns).{extra}"
        )


def test_new_point(geometry, built):
    _require_declarations(built)
    call, p = _call(geometry, "new_point", 1.5, -2.25)
    _check_pointer_to(built, call, p, "struct point *")
    if (p.x, p.y) != (1.5, -2.25):
        pytest.fail(f"{call} returned a point holding x={p.x!r}, y={p.y!r}, expected x=1.5, y=-2.25.")


def test_new_rect(geometry, built):
    _require_declarations(built)
    call, r = _call(geometry, "new_rect", 0.5, 0.25, 3.0, 2.0)
    _check_pointer_to(built, call, r, "struct rect *")
    got = _rect_values(r)
    if got != (0.5, 0.25, 3.0, 2.0):
        pytest.fail(
            f"{call} returned a rect holding min=({got[0]}, {got[1]}), max=({got[2]}, {got[3]}); "
            "expected min=(0.5, 0.25), max=(3.0, 2.0): x0, y0 go to the `min` point, x1, y1 to `max`."
        )
    gc.collect()
    gc.collect()
    if _rect_values(r) != (0.5, 0.25, 3.0, 2.0):
        pytest.fail(
            f"the rect {call} returned changed after a garbage collection: it does not own its memory. "
            "Return the cdata ffi.new() gave you, which owns it."
        )


def test_as_tuple(geometry, built):
    _require_declarations(built)
    for values in [(0.5, 0.25, 3.0, 2.0), (-4.0, -1.5, 0.0, 7.25)]:
        rect = _rect(built, *values)
        call, got = _call(geometry, "as_tuple", rect, shown=_show_rect(built, rect))
        if type(got) is not tuple or got != values:
            pytest.fail(f"{call} returned {got!r}, expected the tuple {values!r}: (min.x, min.y, max.x, max.y).")


def test_area_is_computed_by_c(geometry, built, spy):
    _require_declarations(built)
    cases = [((0.0, 0.0, 4.0, 3.0), 12.0), ((0.5, 0.25, 3.0, 2.0), 4.375), ((-1.5, -1.0, 1.5, 0.5), 4.5)]
    for values, expected in cases:
        rect = _rect(built, *values)
        spy.calls.clear()
        call, got = _call(geometry, "area", rect, shown=_show_rect(built, rect))
        if "rect_area" not in spy.names():
            pytest.fail(f"{call} returned {got!r} without calling lib.rect_area: the area must come from C.")
        if type(got) is not float or got != expected:
            note = ""
            if isinstance(got, int) and got == int(expected):
                note = (
                    " The fraction is gone: cdef() declares rect_area with an integer result, and cffi "
                    "converts C's double into it. Declare it `double`, as the C code does."
                )
            pytest.fail(f"{call} returned {got!r}, expected {expected!r}.{note}")


def test_union_returns_a_new_rect(geometry, built, spy):
    _require_declarations(built)
    ffi = built.ffi
    cases = [
        ((0.0, 0.0, 1.0, 1.0), (2.0, 3.0, 4.0, 5.0), (0.0, 0.0, 4.0, 5.0)),
        ((-2.5, 1.0, 0.5, 6.0), (-1.0, -3.0, 3.5, 2.0), (-2.5, -3.0, 3.5, 6.0)),
    ]
    for a_values, b_values, expected in cases:
        a, b = _rect(built, *a_values), _rect(built, *b_values)
        before = (ffi.buffer(a)[:], ffi.buffer(b)[:])
        spy.calls.clear()
        call, got = _call(geometry, "union", a, b, shown=f"{_show_rect(built, a)}, {_show_rect(built, b)}")
        if "rect_union" not in spy.names():
            pytest.fail(f"{call} never called lib.rect_union: the union must come from C.")
        if not isinstance(got, ffi.CData) or ffi.typeof(got).cname not in ("struct rect", "struct rect *"):
            shown = ffi.typeof(got).cname if isinstance(got, ffi.CData) else type(got).__name__
            pytest.fail(
                f"{call} returned a {shown}, expected a rect: the `struct rect` lib.rect_union returns, "
                "or a `struct rect *`."
            )
        if (ffi.buffer(a)[:], ffi.buffer(b)[:]) != before:
            pytest.fail(
                f"{call} changed its arguments: a is now {_rect_values(a)}, b {_rect_values(b)}. union() "
                "must return a NEW rect and leave a and b as they were: return what lib.rect_union returns "
                "instead of storing it into a."
            )
        address = _address(ffi, got)
        if address in (_address(ffi, a), _address(ffi, b)):
            pytest.fail(f"{call} returned the memory of one of its arguments: it must return a new rect.")
        # A pointer that owns nothing (ffi.addressof() of the struct C returned) reads right
        # until that struct's memory is reused, which may take a while: refuse it on every run.
        # cffi (CPython and PyPy alike) shows "owning N bytes" in the repr of cdata that own
        # their memory (ffi.new), and an address for those that do not.
        if ffi.typeof(got).kind == "pointer" and "owning" not in repr(got):
            pytest.fail(
                f"{call} returned a `struct rect *` that owns no memory ({got!r}): a pointer into "
                "the struct lib.rect_union returned (ffi.addressof() of it, say), which is freed as "
                "soon as nothing refers to that struct, so the rect may change under the caller at "
                "any moment. Return the struct itself, or a copy the result owns: "
                'ffi.new("struct rect *", lib.rect_union(a[0], b[0])).'
            )
        gc.collect()
        gc.collect()
        if _rect_values(got) != expected:
            pytest.fail(
                f"{call} returned a rect holding {_rect_values(got)}, expected {expected} (min.x, min.y, max.x, max.y)."
            )


def test_move_changes_the_callers_point(geometry, built, spy):
    _require_declarations(built)
    ffi = built.ffi
    point = _point(built, 1.0, 2.0)
    spy.calls.clear()
    call, got = _call(geometry, "move", point, 0.5, -3.0, shown="<struct point * (1.0, 2.0)>, 0.5, -3.0")
    moved = (point.x, point.y)
    if "point_move" not in spy.names():
        pytest.fail(f"{call} never called lib.point_move: the move must be done by C.")
    if moved == (1.0, 2.0):
        extra = ""
        if isinstance(got, ffi.CData):
            extra = " It returned a moved copy instead:"
        pytest.fail(
            f"{call} left the caller's point at (1.0, 2.0), expected it moved to (1.5, -1.0).{extra} "
            "move() must change the struct it is given: pass that very pointer to lib.point_move, not a "
            "copy of the struct (ffi.new(..., point[0]) makes a copy)."
        )
    if moved != (1.5, -1.0):
        pytest.fail(f"{call} moved the caller's point to {moved}, expected (1.5, -1.0).")
    last = spy.last("point_move")
    if last is not None and not (isinstance(last[1][0], ffi.CData) and last[1][0] == point):
        pytest.fail(
            f"{call}: lib.point_move received another pointer than the caller's point: give it the point itself."
        )
    if got is not None:
        pytest.fail(f"{call} returned {got!r}, expected None: the point is changed in place.")


def test_contains(geometry, built, spy):
    _require_declarations(built)
    rect = _rect(built, 0.0, 0.0, 4.0, 2.0)
    cases = [
        ((1.0, 1.0), True),
        ((4.0, 2.0), True),
        ((0.0, 0.5), True),
        ((4.5, 1.0), False),
        ((1.0, -0.25), False),
        ((-1.0, 3.0), False),
    ]
    for (x, y), expected in cases:
        spy.calls.clear()
        call, got = _call(geometry, "contains", rect, x, y, shown=f"{_show_rect(built, rect)}, {x!r}, {y!r}")
        if "rect_contains" not in spy.names():
            pytest.fail(f"{call} returned {got!r} without calling lib.rect_contains: the answer must come from C.")
        if got is not expected:
            note = " C returns an int, 1 or 0: convert it with bool(...)." if got == expected else ""
            pytest.fail(f"{call} returned {got!r}, expected {expected!r}.{note}")


class _OtherAnswers(LibSpy):
    """After each real call, answers of its own: rect_area C's area plus 1000, rect_contains the opposite of C's
    answer, rect_union C's rect with min.x lowered by 1000. An area(), contains() or union() that calls C and then
    computes the answer again in Python is right for every real rect; only this tells it from one that returns
    what C returned."""

    def wrap(self, name, target):
        call = super().wrap(name, target)
        if name == "rect_area":
            return lambda *args: call(*args) + 1000.0
        if name == "rect_contains":
            return lambda *args: 0 if call(*args) else 1
        if name == "rect_union":

            def rect_union(*args):
                result = call(*args)
                result.min.x -= 1000.0
                return result

            return rect_union
        return call


def test_answers_are_the_ones_c_returned(geometry, built, monkeypatch):
    _require_declarations(built)
    spy = install_lib_spy(geometry, built, monkeypatch, _OtherAnswers(built.lib))
    rect = _rect(built, 0.5, 0.25, 3.0, 2.0)
    shown = _show_rect(built, rect)
    why = (
        "(a number of its own, to see whose answer comes back). {name}() must return what lib.{c} returns, "
        "not an answer computed again in Python after the call."
    )
    call, got = _call(geometry, "area", rect, shown=shown)
    if spy.last("rect_area") is None:
        pytest.fail(f"{call} returned {got!r} without calling lib.rect_area: the area must come from C.")
    if got != 4.375 + 1000.0:
        pytest.fail(
            f"{call} returned {got!r}, while the grader's stand-in for lib.rect_area returned 1004.375 "
            + why.format(name="area", c="rect_area")
        )
    call, got = _call(geometry, "contains", rect, 1.0, 1.0, shown=f"{shown}, 1.0, 1.0")
    if spy.last("rect_contains") is None:
        pytest.fail(f"{call} returned {got!r} without calling lib.rect_contains: the answer must come from C.")
    if got is not False:
        pytest.fail(
            f"{call} returned {got!r}, while the grader's stand-in for lib.rect_contains returned 0 "
            "(the opposite of the truth, to see whose answer comes back). contains() must return "
            "bool(lib.rect_contains(...)), not an answer computed again in Python after the call."
        )
    other = _rect(built, 1.0, 1.0, 4.0, 5.0)
    call, got = _call(geometry, "union", rect, other, shown=f"{shown}, {_show_rect(built, other)}")
    if spy.last("rect_union") is None:
        pytest.fail(f"{call} never called lib.rect_union: the union must come from C.")
    values = _rect_values(got) if isinstance(got, built.ffi.CData) else got
    if values != (-999.5, 0.25, 4.0, 5.0):
        pytest.fail(
            f"{call} returned a rect holding {values}, while the grader's stand-in for lib.rect_union "
            "returned (-999.5, 0.25, 4.0, 5.0) (min.x 1000 lower than the truth, to see whose rect comes "
            "back). union() must return the rect lib.rect_union returns, not one built again in Python "
            "after the call."
        )
