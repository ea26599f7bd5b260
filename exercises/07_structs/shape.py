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
    # TODO: allocate a struct shape with ffi.new(): set kind, and fill the matching member of u.
    raise NotImplementedError("circle is not written yet")


def rect(x, y, width, height):
    """A new struct shape * holding a rectangle whose corner is (x, y)."""
    # TODO: the same, for a rectangle.
    raise NotImplementedError("rect is not written yet")


def describe(shape):
    """("circle", cx, cy, radius) or ("rect", x, y, width, height); ValueError for any other kind."""
    # TODO: look at shape.kind first, then read the member of shape.u it names.
    raise NotImplementedError("describe is not written yet")


def parse(text):
    """describe() of the shape C's shape_parse() reads from text; ValueError if C refuses the text."""
    # TODO: allocate a struct shape for C to fill, call lib.shape_parse, check what it returns.
    raise NotImplementedError("parse is not written yet")
