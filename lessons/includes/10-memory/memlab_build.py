"""The lab module of lesson 10: C code that allocates, frees, and keeps pointers."""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    // --8<-- [start:cdef]
    /* An allocator that counts: how many of its blocks are alive. */
    void *lab_malloc(size_t size);
    void lab_free(void *p);
    int lab_live(void);

    /* Returns a new string from lab_malloc: the caller frees it with lab_free. */
    char *make_greeting(const char *name);

    /* A C object with a create and a destroy function. */
    struct counter { int value; };
    struct counter *counter_new(int start);
    void counter_free(struct counter *c);
    int counters_alive(void);

    /* Keeps the pointer it is given (no copy) and reads it later. */
    void remember(const char *text);
    size_t recalled_length(void);
    // --8<-- [end:cdef]
""")

ffibuilder.set_source("_memlab_cffi", r"""
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>

    static int live_blocks = 0;

    void *lab_malloc(size_t size)
    {
        void *p = malloc(size ? size : 1);
        if (p != NULL)
            live_blocks++;
        return p;
    }

    void lab_free(void *p)
    {
        if (p != NULL) {
            live_blocks--;
            free(p);
        }
    }

    int lab_live(void) { return live_blocks; }

    char *make_greeting(const char *name)
    {
        size_t size = strlen("Hello, !") + strlen(name) + 1;
        char *text = lab_malloc(size);
        if (text != NULL)
            snprintf(text, size, "Hello, %s!", name);
        return text;
    }

    struct counter { int value; };
    static int alive = 0;

    struct counter *counter_new(int start)
    {
        struct counter *c = malloc(sizeof *c);
        if (c != NULL) {
            c->value = start;
            alive++;
        }
        return c;
    }

    void counter_free(struct counter *c)
    {
        if (c != NULL) {
            alive--;
            free(c);
        }
    }

    int counters_alive(void) { return alive; }

    static const char *kept = NULL;

    void remember(const char *text) { kept = text; }
    size_t recalled_length(void) { return kept ? strlen(kept) : 0; }
""")

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
