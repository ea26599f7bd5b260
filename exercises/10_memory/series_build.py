"""Exercise 10_memory/series, build time: a C library that keeps the pointers it is given.

Nothing to change in this file: your work is in series.py.

``series_init`` does not copy the label or the values: it stores the two
pointers in the struct, and every later call reads through them. So the memory
they point to must stay alive, unchanged, for as long as the series is used.

The ``memtrack_*`` functions at the end are not part of the exercise: they are
a checking allocator the grader hands to ``ffi.new_allocator()`` (lesson 10),
so that memory freed too early is seen every time, not only when you are
unlucky.

Grade it:  nox -s grade -- 10_memory/series
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    struct series {
        const char *label;      /* UTF-8, NUL-terminated; NOT copied */
        const double *values;   /* `count` doubles; NOT copied */
        size_t count;
    };

    void series_init(struct series *s, const char *label,
                     const double *values, size_t count);
    double series_mean(const struct series *s);
    double series_max(const struct series *s);
    int series_describe(const struct series *s, char *out, size_t size);

    /* For the grader: a checking allocator (see the docstring). */
    void *memtrack_alloc(size_t size);
    void memtrack_free(void *p);
    int memtrack_state(uintptr_t address);   /* 0 unknown, 1 live, 2 freed */
    void memtrack_flush(void);
""")

ffibuilder.set_source(
    "_series_cffi",
    r"""
    #include <stdint.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>

    struct series {
        const char *label;
        const double *values;
        size_t count;
    };

    /* Stores the pointers: the caller keeps the label and the values alive. */
    void series_init(struct series *s, const char *label,
                     const double *values, size_t count)
    {
        s->label = label;
        s->values = values;
        s->count = count;
    }

    double series_mean(const struct series *s)
    {
        double total = 0.0;
        if (s->count == 0)
            return 0.0;
        for (size_t i = 0; i < s->count; i++)
            total += s->values[i];
        return total / (double)s->count;
    }

    double series_max(const struct series *s)
    {
        double best = 0.0;
        for (size_t i = 0; i < s->count; i++)
            if (i == 0 || s->values[i] > best)
                best = s->values[i];
        return best;
    }

    /* Writes "label: N values, mean M" into out (at most size bytes, NUL
       included); returns the length of the whole text, like snprintf. */
    int series_describe(const struct series *s, char *out, size_t size)
    {
        return snprintf(out, size, "%s: %u values, mean %.2f", s->label,
                        (unsigned)s->count, series_mean(s));
    }

    /* ---- memtrack: a checking allocator for the grader ----
       Every block is recorded. A freed block is filled with 0xDD (its last
       byte 0, so a freed label still ends) and kept aside, not given back to
       malloc, so memory used after its owner died reads as garbage every
       time, and memtrack_state() can say which block an address is in. */
    #define MEMTRACK_MAX 65536
    static struct { char *start; size_t size; int state; } blocks[MEMTRACK_MAX];
    static int nblocks = 0;

    void *memtrack_alloc(size_t size)
    {
        char *p;
        if (nblocks == MEMTRACK_MAX)
            return NULL;   /* cffi raises MemoryError */
        p = malloc(size ? size : 1);
        if (p == NULL)
            return NULL;
        blocks[nblocks].start = p;
        blocks[nblocks].size = size ? size : 1;
        blocks[nblocks].state = 1;
        nblocks++;
        return p;
    }

    void memtrack_free(void *p)
    {
        for (int i = nblocks - 1; i >= 0; i--) {
            if (blocks[i].start == (char *)p && blocks[i].state == 1) {
                memset(p, 0xDD, blocks[i].size);
                blocks[i].start[blocks[i].size - 1] = 0;
                blocks[i].state = 2;
                return;
            }
        }
    }

    int memtrack_state(uintptr_t address)
    {
        for (int i = nblocks - 1; i >= 0; i--) {
            uintptr_t start = (uintptr_t)blocks[i].start;
            if (address >= start && address < start + blocks[i].size)
                return blocks[i].state;
        }
        return 0;
    }

    /* Gives the freed blocks back to malloc (live ones stay recorded). */
    void memtrack_flush(void)
    {
        int kept = 0;
        for (int i = 0; i < nblocks; i++) {
            if (blocks[i].state == 2)
                free(blocks[i].start);
            else
                blocks[kept++] = blocks[i];
        }
        nblocks = kept;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
