"""Exercise 07_structs/geometry: points and rectangles, made in Python, used by C.

geometry_build.py compiles ``_geometry_cffi`` (you write its cdef()):

    struct point { double x; double y; };
    struct rect { struct point min; struct point max; };   /* min: lower-left, max: upper-right */

    double rect_area(const struct rect *r);
    struct rect rect_union(struct rect a, struct rect b);   /* by value */
    void point_move(struct point *p, double dx, double dy); /* changes *p */
    int rect_contains(const struct rect *r, struct point p);

Finish the functions below. A "point" is a ``struct point *`` cdata and a
"rect" a ``struct rect *`` cdata, as new_point() and new_rect() make them.

Grade it:  nox -s grade -- 07_structs/geometry
"""

from _geometry_cffi import ffi, lib


def new_point(x, y):
    """A new struct point * holding (x, y), owned by the returned cdata."""
    # TODO: allocate it with ffi.new() and an initializer.
    raise NotImplementedError("new_point is not written yet")


def new_rect(x0, y0, x1, y1):
    """A new struct rect * whose min corner is (x0, y0) and max corner (x1, y1)."""
    # TODO: allocate it with ffi.new(); a nested struct takes a nested initializer.
    raise NotImplementedError("new_rect is not written yet")


def as_tuple(rect):
    """(min.x, min.y, max.x, max.y) of a rect, as Python floats."""
    # TODO: read the four fields.
    raise NotImplementedError("as_tuple is not written yet")


def area(rect):
    """The rect's area, computed by C's rect_area()."""
    # TODO: call lib.rect_area.
    raise NotImplementedError("area is not written yet")


def union(a, b):
    """A NEW rect holding rects a and b, computed by C's rect_union(); a and b are left unchanged."""
    # TODO: rect_union takes its two structs by value, not pointers to them.
    raise NotImplementedError("union is not written yet")


def move(point, dx, dy):
    """Move the given point by (dx, dy), in place, with C's point_move(). Returns None."""
    # TODO: call lib.point_move so that it changes the caller's point.
    raise NotImplementedError("move is not written yet")


def contains(rect, x, y):
    """True if (x, y) is inside rect or on its border (C's rect_contains()), else False."""
    # TODO: rect_contains takes the point by value; return a bool.
    raise NotImplementedError("contains is not written yet")
