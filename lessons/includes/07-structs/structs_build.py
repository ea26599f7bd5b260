"""Build the module _structs_cffi: structs, unions and a partial struct.

Run it once (python structs_build.py); the examples of lesson 07 then use
`from _structs_cffi import ffi, lib`.
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    // --8<-- [start:cdef]
    struct point { int x; int y; };          /* a tagged struct: "struct point" */

    typedef struct {                         /* a typedef'd struct: "rect_t" */
        struct point min;                    /* nested structs, stored inside */
        struct point max;
    } rect_t;

    typedef struct {
        char name[12];                       /* arrays inside a struct */
        struct point where;
        uint8_t rgb[3];
    } label_t;

    typedef struct {
        const char *name;                    /* pointers inside a struct */
        struct point *where;
    } pin_t;

    int rect_area(const rect_t *r);                   /* by pointer, read only */
    void point_shift(struct point *p, int dx, int dy); /* by pointer, changes *p */
    struct point point_add(struct point a, struct point b); /* by value */
    rect_t rect_around(struct point a, struct point b);
    int label_brightness(const label_t *label);
    int pin_x(const pin_t *pin);

    struct sample { char tag; double value; short count; };

    struct account {                         /* partial: C has more fields */
        int id;
        double balance;
        ...;
    };
    void account_open(struct account *a, int id, const char *owner);
    const char *account_owner(const struct account *a);

    union number { int32_t i; float f; uint8_t bytes[4]; };

    enum value_kind { VALUE_INT = 1, VALUE_REAL, VALUE_TEXT };
    struct value {                           /* a tagged union */
        int kind;                            /* which member of `data` is valid */
        union { long long i; double real; char text[16]; } data;
    };
    double value_to_real(const struct value *v);
    // --8<-- [end:cdef]
""")

ffibuilder.set_source(
    "_structs_cffi",
    r"""
    #include <stdint.h>
    #include <string.h>
    #include <stdlib.h>

    struct point { int x; int y; };
    typedef struct { struct point min; struct point max; } rect_t;
    typedef struct { char name[12]; struct point where; uint8_t rgb[3]; } label_t;
    typedef struct { const char *name; struct point *where; } pin_t;

    int rect_area(const rect_t *r)
    {
        return (r->max.x - r->min.x) * (r->max.y - r->min.y);
    }

    void point_shift(struct point *p, int dx, int dy)
    {
        p->x += dx;
        p->y += dy;
    }

    struct point point_add(struct point a, struct point b)
    {
        struct point sum = { a.x + b.x, a.y + b.y };
        return sum;
    }

    /* The smallest rectangle holding both points. */
    rect_t rect_around(struct point a, struct point b)
    {
        rect_t r;
        r.min.x = a.x < b.x ? a.x : b.x;
        r.min.y = a.y < b.y ? a.y : b.y;
        r.max.x = a.x > b.x ? a.x : b.x;
        r.max.y = a.y > b.y ? a.y : b.y;
        return r;
    }

    int label_brightness(const label_t *label)
    {
        return (label->rgb[0] + label->rgb[1] + label->rgb[2]) / 3;
    }

    int pin_x(const pin_t *pin) { return pin->where ? pin->where->x : -1; }

    struct sample { char tag; double value; short count; };

    // --8<-- [start:account]
    /* The library's real struct: the cdef above declares two of its fields. */
    struct account {
        char owner[24];
        int id;
        unsigned int flags;
        double balance;
        long last_change;      /* 4 bytes on Windows, 8 on Linux and macOS */
    };
    // --8<-- [end:account]

    void account_open(struct account *a, int id, const char *owner)
    {
        memset(a, 0, sizeof *a);
        a->id = id;
        strncpy(a->owner, owner, sizeof a->owner - 1);
    }

    const char *account_owner(const struct account *a) { return a->owner; }

    union number { int32_t i; float f; uint8_t bytes[4]; };

    enum value_kind { VALUE_INT = 1, VALUE_REAL, VALUE_TEXT };
    struct value {
        int kind;
        union { long long i; double real; char text[16]; } data;
    };

    /* The value as a double, whatever its kind; text is parsed. */
    double value_to_real(const struct value *v)
    {
        switch (v->kind) {
        case VALUE_INT: return (double)v->data.i;
        case VALUE_REAL: return v->data.real;
        case VALUE_TEXT: return strtod(v->data.text, NULL);
        }
        return 0.0;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
