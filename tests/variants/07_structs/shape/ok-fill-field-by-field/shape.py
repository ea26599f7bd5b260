"""Exercise 07_structs/shape: build and read a tagged union.

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
    s = ffi.new("struct shape *")
    s.kind = lib.SHAPE_CIRCLE
    s.u.circle.radius = radius
    s.u.circle.center.x, s.u.circle.center.y = cx, cy
    return s


def rect(x, y, width, height):
    """A new struct shape * holding a rectangle whose corner is (x, y)."""
    s = ffi.new("struct shape *")
    s.kind = lib.SHAPE_RECT
    s.u.rect = {"corner": (x, y), "width": width, "height": height}
    return s


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
    out = ffi.new("struct shape[1]")
    status = lib.shape_parse(text.encode("ascii", "replace"), out)
    if status == -1:
        raise ValueError(text)
    return describe(out[0])
