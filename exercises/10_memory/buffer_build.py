"""Exercise 10_memory/buffer, build time: a C object with a create and a destroy function.

Nothing to change in this file: your work is in buffer.py.

``bb_new`` allocates a growable byte buffer in C and ``bb_free`` destroys it
(the struct and the bytes it holds). Python's garbage collector knows nothing
of that memory: your Python class decides when bb_free is called, and it
must be called exactly once per buffer.

The library counts what happens to its buffers, and the grader reads the
counts: how many are alive, and how many times a bb_* function was given a
buffer that was already destroyed (a double free, or a use after free,
which C notices here instead of crashing).

Grade it:  nox -s grade -- 10_memory/buffer
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    typedef struct bytebuf bytebuf;            /* opaque: only C sees inside */

    #define BB_MAX_CAPACITY ...

    bytebuf *bb_new(size_t capacity);          /* NULL if capacity > BB_MAX_CAPACITY */
    void bb_free(bytebuf *b);                  /* destroys b; bb_free(NULL) does nothing */
    int bb_append(bytebuf *b, const char *data, size_t n);   /* 0, or -1: out of memory */
    size_t bb_size(const bytebuf *b);
    const char *bb_data(const bytebuf *b);

    /* Accounting, for the grader. */
    int bb_live(void);         /* buffers created and not destroyed yet */
    int bb_destroyed(void);    /* bb_free calls that destroyed a buffer */
    int bb_misuses(void);      /* calls given a buffer that was already destroyed */
""")

ffibuilder.set_source(
    "_buffer_cffi",
    r"""
    #include <stdlib.h>
    #include <string.h>

    #define BB_MAX_CAPACITY (1u << 24)   /* 16 MiB */
    #define BB_REGISTRY 4096

    typedef struct bytebuf {
        char *data;
        size_t size, capacity;
    } bytebuf;

    /* Every live buffer is in this table: a pointer that is not is one that
       was destroyed already (or never made by bb_new). */
    static bytebuf *registry[BB_REGISTRY];
    static int live = 0, destroyed = 0, misuses = 0;

    static int find(const bytebuf *b)
    {
        for (int i = 0; i < BB_REGISTRY; i++)
            if (registry[i] == b)
                return i;
        return -1;
    }

    static int known(const bytebuf *b)
    {
        if (b != NULL && find(b) >= 0)
            return 1;
        misuses++;
        return 0;
    }

    bytebuf *bb_new(size_t capacity)
    {
        bytebuf *b;
        int slot = find(NULL);
        if (capacity > BB_MAX_CAPACITY || slot < 0)
            return NULL;
        b = malloc(sizeof *b);
        if (b == NULL)
            return NULL;
        b->data = malloc(capacity ? capacity : 1);
        if (b->data == NULL) {
            free(b);
            return NULL;
        }
        b->size = 0;
        b->capacity = capacity ? capacity : 1;
        registry[slot] = b;
        live++;
        return b;
    }

    void bb_free(bytebuf *b)
    {
        int slot;
        if (b == NULL)
            return;
        slot = find(b);
        if (slot < 0) {          /* destroyed already: do not free it twice */
            misuses++;
            return;
        }
        registry[slot] = NULL;
        free(b->data);
        b->data = NULL;
        /* The struct itself is kept (24 bytes): its address is then never
           handed out again, so a second bb_free of it is always caught. */
        live--;
        destroyed++;
    }

    int bb_append(bytebuf *b, const char *data, size_t n)
    {
        if (!known(b))
            return -1;
        if (b->size + n > b->capacity) {
            size_t cap = b->capacity;
            char *bigger;
            while (cap < b->size + n)
                cap *= 2;
            bigger = realloc(b->data, cap);
            if (bigger == NULL)
                return -1;
            b->data = bigger;
            b->capacity = cap;
        }
        memcpy(b->data + b->size, data, n);
        b->size += n;
        return 0;
    }

    size_t bb_size(const bytebuf *b) { return known(b) ? b->size : 0; }
    const char *bb_data(const bytebuf *b) { return known(b) ? b->data : NULL; }

    int bb_live(void) { return live; }
    int bb_destroyed(void) { return destroyed; }
    int bb_misuses(void) { return misuses; }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
