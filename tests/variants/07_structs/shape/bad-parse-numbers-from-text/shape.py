"""A likely mistake: parse() asks C whether the text is a shape, then reads the numbers from the text.

Exercise 07_structs/shape: build and read a tagged union.

shape_build.py (given: nothing to change there) compiles ``_shape_cffi``:

    enum shape_kind { SHAPE_CIRCLE = 1, SHAPE_RECT = 2 };
    struct vec { double x; double y; };
    struct circle { double radius; struct vec center; };
    struct rect { struct vec corner; double width; double height; };
    struct shape {
        int kind;                                          /* which member of u is valid */
        union { struct circle circle; struct rect rect; } u;
    };
    double shape_area(const struct shape *s);              /* -1.0 for an unknown kind */
    int shape_parse(const char *text, struct shape *out);  /* 0 on success, -1 on error */

Finish the four functions below. A "shape" is a ``struct shape *`` cdata.

Grade it:  nox -s grade -- 07_structs/shape
"""

from _shape_cffi import ffi, lib


def circle(cx, cy, radius):
    """A new struct shape * holding a circle of center (cx, cy)."""
    # The kind and the union member go together: SHAPE_CIRCLE means u.circle holds the data.
    # lib.SHAPE_CIRCLE, not 0 or 1: the enum's values are the C code's to choose.
    return ffi.new("struct shape *", {
        "kind": lib.SHAPE_CIRCLE,
        "u": {"circle": {"radius": radius, "center": {"x": cx, "y": cy}}},
    })


def rect(x, y, width, height):
    """A new struct shape * holding a rectangle whose corner is (x, y)."""
    # Naming the member "rect" writes the rect's layout into the union's memory.
    return ffi.new("struct shape *", {
        "kind": lib.SHAPE_RECT,
        "u": {"rect": {"corner": {"x": x, "y": y}, "width": width, "height": height}},
    })


def describe(shape):
    """("circle", cx, cy, radius) or ("rect", x, y, width, height); ValueError for any other kind."""
    # Only the member `kind` names is valid: reading the other one would reinterpret the same bytes.
    if shape.kind == lib.SHAPE_CIRCLE:
        c = shape.u.circle
        return ("circle", c.center.x, c.center.y, c.radius)
    if shape.kind == lib.SHAPE_RECT:
        r = shape.u.rect
        return ("rect", r.corner.x, r.corner.y, r.width, r.height)
    raise ValueError(f"unknown shape kind {shape.kind}")


def parse(text):
    """describe() of the shape C's shape_parse() reads from text; ValueError if C refuses the text."""
    # C fills a struct that Python allocates: ffi.new() gives zeroed memory that C writes into.
    out = ffi.new("struct shape *")
    # Check C's answer first: on failure `out` may be half filled, and would look like a shape.
    if lib.shape_parse(text.encode("utf-8"), out) != 0:
        raise ValueError(f"not a shape: {text!r}")
    kind, *numbers = text.split()
    return (kind, *(float(n) for n in numbers))
