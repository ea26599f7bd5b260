"""Exercise 07_structs/geometry, build time: points and rectangles in C.

The C code in set_source() is given: nothing to change there. Your task is
the cdef(): declare the two structs and the four functions, so that Python
can build points and rectangles and hand them to C.

Grade it:  nox -s grade -- 07_structs/geometry
"""

from cffi import FFI

ffibuilder = FFI()

# Every type is declared exactly as the C code below defines it: cffi checks
# the layout against the C compiler and refuses a struct that disagrees.
ffibuilder.cdef("""
    struct point { double x; double y; };
    struct rect { struct point min; struct point max; };

    int rect_area(const struct rect *r);
    struct rect rect_union(struct rect a, struct rect b);
    void point_move(struct point *p, double dx, double dy);
    int rect_contains(const struct rect *r, struct point p);
""")

ffibuilder.set_source(
    "_geometry_cffi",
    """
    /* A point in the plane, and an axis-aligned rectangle given by its
       lower-left corner `min` and its upper-right corner `max`. */
    struct point { double x; double y; };
    struct rect { struct point min; struct point max; };

    /* The rectangle's area (by pointer: C only reads it). */
    double rect_area(const struct rect *r)
    {
        return (r->max.x - r->min.x) * (r->max.y - r->min.y);
    }

    /* The smallest rectangle holding both (by value: C gets copies of a and b,
       and returns a new struct). */
    struct rect rect_union(struct rect a, struct rect b)
    {
        struct rect u;
        u.min.x = a.min.x < b.min.x ? a.min.x : b.min.x;
        u.min.y = a.min.y < b.min.y ? a.min.y : b.min.y;
        u.max.x = a.max.x > b.max.x ? a.max.x : b.max.x;
        u.max.y = a.max.y > b.max.y ? a.max.y : b.max.y;
        return u;
    }

    /* Moves *p by (dx, dy), in place. */
    void point_move(struct point *p, double dx, double dy)
    {
        p->x += dx;
        p->y += dy;
    }

    /* 1 if p is inside r or on its border, else 0. */
    int rect_contains(const struct rect *r, struct point p)
    {
        return p.x >= r->min.x && p.x <= r->max.x && p.y >= r->min.y && p.y <= r->max.y;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
