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
    # A dict initializer names the fields: nothing depends on their order.
    return ffi.new("struct point *", {"x": x, "y": y})


def new_rect(x0, y0, x1, y1):
    """A new struct rect * whose min corner is (x0, y0) and max corner (x1, y1)."""
    # Nested structs take nested initializers, dicts or lists.
    return ffi.new("struct rect *", {"min": {"x": x0, "y": y0}, "max": {"x": x1, "y": y1}})


def as_tuple(rect):
    """(min.x, min.y, max.x, max.y) of a rect, as Python floats."""
    # `rect.min` on a pointer reads the field of the struct it points to, like C's rect->min.
    return (rect.min.x, rect.min.y, rect.max.x, rect.max.y)


def area(rect):
    """The rect's area, computed by C's rect_area()."""
    # rect_area takes a pointer: the cdata from new_rect() is one.
    return lib.rect_area(rect)


def union(a, b):
    """A NEW rect holding rects a and b, computed by C's rect_union(); a and b are left unchanged."""
    # rect_union takes structs by value: a[0] is the struct a points to. C receives copies,
    # and returns a new struct: a cdata that owns its own memory, shared with neither a nor b.
    # A pointer to the struct C returned, to look like the others: but nothing keeps
    # that struct alive once this function returns.
    return ffi.addressof(lib.rect_union(a[0], b[0]))


def move(point, dx, dy):
    """Move the given point by (dx, dy), in place, with C's point_move(). Returns None."""
    # The caller's own pointer goes to C, so C changes the caller's struct, not a copy.
    lib.point_move(point, dx, dy)


def contains(rect, x, y):
    """True if (x, y) is inside rect or on its border (C's rect_contains()), else False."""
    # A struct passed by value takes an initializer too: a dict (or a list) is enough.
    return bool(lib.rect_contains(rect, {"x": x, "y": y}))
