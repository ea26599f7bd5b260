"""Grader for 07_structs/shape: write and read a tagged union (`kind` + a union of structs).

shape_build.py (given) compiles ``_shape_cffi``: ``struct shape { int kind;
union { struct circle circle; struct rect rect; } u; }`` with
``shape_area()`` and ``shape_parse()``. shape.py's ``circle`` and ``rect``
must return new ``struct shape *`` whose kind is ``lib.SHAPE_CIRCLE`` /
``lib.SHAPE_RECT`` (not numbers of the learner's own: the grader asks C for
the area, and C knows only its enum) and whose data is in the member that
kind names: the two members lay out their doubles differently, so the grader
reads the memory through the right member. ``describe`` must read the member
``kind`` names from shapes the grader and C make, and raise ValueError for any
other kind; ``parse`` must let C fill a struct it allocates, and raise
ValueError when C answers -1 (the struct may then be partly filled, so a
parse that ignores the answer returns a plausible shape).
"""

from __future__ import annotations

import gc
import math

import pytest

from grader.testing import LibSpy, install_lib_spy

BUILDER = "shape_build.py"
PARSED = {
    "circle 1.5 -2 3": ("circle", 1.5, -2.0, 3.0),
    "rect 0 0.5 4 2.25": ("rect", 0.0, 0.5, 4.0, 2.25),
    "  circle 0 0 0.5": ("circle", 0.0, 0.0, 0.5),
    "rect -3 7 1 1": ("rect", -3.0, 7.0, 1.0, 1.0),
}
REFUSED = ["circle 1 2", "rect 1 2 3", "rect 1 2 -3 4", "square 1 2 3", "", "circle x y z"]


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def shape_module(exercise, built):
    return exercise.import_module("shape")


@pytest.fixture
def spy(shape_module, built, monkeypatch):
    """Put the spy wherever shape.py can reach the C functions (grader.testing.install_lib_spy)."""
    return install_lib_spy(shape_module, built, monkeypatch, LibSpy(built.lib))


def _call(shape_module, name: str, *args, shown: str | None = None):
    func = getattr(shape_module, name, None)
    if not callable(func):
        pytest.fail(f"shape.py has no function `{name}`: keep the `def {name}(...)` of the starter file.")
    call = f"shape.{name}({shown if shown is not None else ', '.join(map(repr, args))})"
    try:
        return call, func(*args)
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODO in {name}() with your code.")
    except ValueError:
        raise
    except Exception as exc:
        hint = ""
        if isinstance(exc, (KeyError, AttributeError)):
            hint = (
                " The fields are named as in the C code: kind and u; u.circle has radius and center (x, y); "
                "u.rect has corner (x, y), width and height."
            )
        elif isinstance(exc, TypeError) and "not str" in str(exc):
            hint = ' A char * takes bytes: pass text.encode("utf-8").'
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}.{hint}")


def _call_no_error(shape_module, name, *args, shown=None):
    try:
        return _call(shape_module, name, *args, shown=shown)
    except ValueError as exc:
        pytest.fail(
            f"shape.{name}({shown if shown is not None else ', '.join(map(repr, args))}) raised "
            f"ValueError: {exc}, expected a result."
        )


def _kind_name(built, kind) -> str:
    names = {built.lib.SHAPE_CIRCLE: "lib.SHAPE_CIRCLE", built.lib.SHAPE_RECT: "lib.SHAPE_RECT"}
    return f"{kind} ({names[kind]})" if kind in names else str(kind)


def _check_is_shape(built, call, got):
    ffi = built.ffi
    if not isinstance(got, ffi.CData) or ffi.typeof(got).cname != "struct shape *":
        shown = ffi.typeof(got).cname if isinstance(got, ffi.CData) else type(got).__name__
        pytest.fail(
            f'{call} returned a {shown}, expected a new `struct shape *`, made by ffi.new("struct shape *", ...).'
        )


def _grader_shape(built, kind, member=None, values=None):
    """A struct shape made by the grader: kind, and the member's fields."""
    return built.ffi.new("struct shape *", {"kind": kind, "u": {member: values} if member else {}})


def test_circle_sets_kind_and_the_circle_member(shape_module, built):
    lib = built.lib
    call, s = _call_no_error(shape_module, "circle", 1.5, -2.0, 3.0)
    _check_is_shape(built, call, s)
    if s.kind != lib.SHAPE_CIRCLE:
        pytest.fail(
            f"{call} returned a shape whose kind is {_kind_name(built, s.kind)}, expected "
            f"lib.SHAPE_CIRCLE, which is {lib.SHAPE_CIRCLE}: the C code decides the enum's values, and C "
            "(shape_area, shape_parse) knows only those. Use lib.SHAPE_CIRCLE, never a number of your own."
        )
    c, r = s.u.circle, s.u.rect
    got = (c.center.x, c.center.y, c.radius)
    if got != (1.5, -2.0, 3.0):
        note = ""
        if (r.corner.x, r.corner.y, r.width) == (1.5, -2.0, 3.0):
            note = (
                " The numbers are where the *rect* member would keep them: the data was written through "
                "u.rect. Write a circle through u.circle; its fields are laid out differently (radius first)."
            )
        pytest.fail(
            f"{call} returned a shape whose u.circle holds center ({got[0]}, {got[1]}) and radius "
            f"{got[2]}, expected center (1.5, -2.0) and radius 3.0.{note}"
        )
    area = lib.shape_area(s)
    if not math.isclose(area, math.pi * 9):
        pytest.fail(f"lib.shape_area() on the shape {call} returned gives {area}, expected {math.pi * 9}.")
    gc.collect()
    gc.collect()
    if (s.kind, s.u.circle.radius) != (lib.SHAPE_CIRCLE, 3.0):
        pytest.fail(
            f"the shape {call} returned changed after a garbage collection: return the cdata that "
            "ffi.new() gave you, which owns the memory."
        )


def test_rect_sets_kind_and_the_rect_member(shape_module, built):
    lib = built.lib
    call, s = _call_no_error(shape_module, "rect", 0.5, 1.0, 4.0, 2.5)
    _check_is_shape(built, call, s)
    if s.kind != lib.SHAPE_RECT:
        pytest.fail(
            f"{call} returned a shape whose kind is {_kind_name(built, s.kind)}, expected "
            f"lib.SHAPE_RECT, which is {lib.SHAPE_RECT}: the C code decides the enum's values, and C "
            "(shape_area, shape_parse) knows only those. Use lib.SHAPE_RECT, never a number of your own."
        )
    r, c = s.u.rect, s.u.circle
    got = (r.corner.x, r.corner.y, r.width, r.height)
    if got != (0.5, 1.0, 4.0, 2.5):
        note = ""
        if (c.center.x, c.center.y, c.radius) == (0.5, 1.0, 4.0):
            note = (
                " The numbers are where the *circle* member would keep them: the data was written through "
                "u.circle. Write a rectangle through u.rect."
            )
        pytest.fail(
            f"{call} returned a shape whose u.rect holds corner ({got[0]}, {got[1]}), width {got[2]} and "
            f"height {got[3]}, expected corner (0.5, 1.0), width 4.0, height 2.5.{note}"
        )
    area = lib.shape_area(s)
    if area != 10.0:
        pytest.fail(f"lib.shape_area() on the shape {call} returned gives {area}, expected 10.0.")


def test_describe_reads_the_member_kind_names(shape_module, built):
    lib = built.lib
    cases = [
        (
            _grader_shape(built, lib.SHAPE_CIRCLE, "circle", {"radius": 2.5, "center": {"x": -1.0, "y": 4.0}}),
            "<struct shape *: a circle, center (-1.0, 4.0), radius 2.5>",
            ("circle", -1.0, 4.0, 2.5),
        ),
        (
            _grader_shape(
                built, lib.SHAPE_RECT, "rect", {"corner": {"x": 3.0, "y": -0.5}, "width": 6.0, "height": 1.25}
            ),
            "<struct shape *: a rect, corner (3.0, -0.5), width 6.0, height 1.25>",
            ("rect", 3.0, -0.5, 6.0, 1.25),
        ),
    ]
    for s, shown, expected in cases:
        call, got = _call_no_error(shape_module, "describe", s, shown=shown)
        if type(got) is not tuple or got != expected:
            note = ""
            if isinstance(got, tuple) and got[:1] == expected[:1]:
                note = (
                    " Read the member `kind` names: for a circle shape.u.circle, for a rect shape.u.rect. "
                    "Through the other member the same bytes mean other things."
                )
            pytest.fail(f"{call} returned {got!r}, expected the tuple {expected!r}.{note}")


def test_describe_refuses_an_unknown_kind(shape_module, built):
    for kind in (0, 3, -1):
        s = _grader_shape(built, kind)
        shown = f"<struct shape *: kind {kind}>"
        try:
            call, got = _call(shape_module, "describe", s, shown=shown)
        except ValueError:
            continue
        pytest.fail(
            f"{call} returned {got!r}, expected ValueError: {kind} is neither lib.SHAPE_CIRCLE nor "
            "lib.SHAPE_RECT, so neither member of the union holds meaningful data."
        )


def test_parse_lets_c_fill_the_struct(shape_module, built, spy):
    for text, expected in PARSED.items():
        spy.calls.clear()
        call, got = _call_no_error(shape_module, "parse", text)
        if "shape_parse" not in spy.names():
            pytest.fail(f"{call} returned {got!r} without calling lib.shape_parse: the parsing must be done by C.")
        if type(got) is not tuple or got != expected:
            pytest.fail(
                f"{call} returned {got!r}, expected {expected!r}: C filled the struct; read it as describe() does."
            )


def test_parse_refuses_what_c_refuses(shape_module, built, spy):
    for text in REFUSED:
        spy.calls.clear()
        try:
            call, got = _call(shape_module, "parse", text)
        except ValueError:
            if "shape_parse" not in spy.names() and text.strip():
                pytest.fail(
                    f"shape.parse({text!r}) raised ValueError without calling lib.shape_parse: the "
                    "text must be parsed by C."
                )
            continue
        pytest.fail(
            f"{call} returned {got!r}, expected ValueError: lib.shape_parse answers -1 for this text. "
            "Check what it returns before reading the struct: on failure C may already have set the "
            "kind and some numbers, so the struct looks like a shape."
        )


class _OtherShape(LibSpy):
    """Stands in for lib: after each successful shape_parse, the size C wrote (a circle's radius, a rect's width)
    grows by 1000. A parse() that asks C only whether the text is a shape and then reads the numbers from the text
    in Python is right for every text; only this tells it from one that reads the struct C filled."""

    def wrap(self, name, target):
        call = super().wrap(name, target)
        if name != "shape_parse":
            return call

        def shape_parse(*args):
            status = call(*args)
            try:
                shape = args[1][0]  # a struct shape * or a struct shape[1]: the struct C filled, in place
            except (IndexError, TypeError):
                return status
            if status == 0:
                if shape.kind == self.lib.SHAPE_CIRCLE:
                    shape.u.circle.radius += 1000
                elif shape.kind == self.lib.SHAPE_RECT:
                    shape.u.rect.width += 1000
            return status

        return shape_parse


def test_parse_reads_the_struct_c_filled(shape_module, built, monkeypatch):
    spy = install_lib_spy(shape_module, built, monkeypatch, _OtherShape(built.lib))
    for text, expected in (
        ("circle 1.5 -2 3", ("circle", 1.5, -2.0, 1003.0)),
        ("rect 0 0.5 4 2.25", ("rect", 0.0, 0.5, 1004.0, 2.25)),
    ):
        call, got = _call_no_error(shape_module, "parse", text)
        if "shape_parse" not in spy.names():
            pytest.fail(f"{call} returned {got!r} without calling lib.shape_parse: the parsing must be done by C.")
        if got != expected:
            pytest.fail(
                f"{call} returned {got!r}, while the grader's stand-in for lib.shape_parse filled the struct "
                f"with {expected!r} (a size 1000 larger than the text says, to see where the numbers come "
                "from). Read the numbers from the struct C filled, as describe() does, not from the text."
            )
