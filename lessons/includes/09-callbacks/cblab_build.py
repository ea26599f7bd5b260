"""Build the module _cblab_cffi: C functions that call back into Python.

Run it once (python cblab_build.py); the examples of lesson 09 then use
`from _cblab_cffi import ffi, lib`.
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    // --8<-- [start:cdef]
    /* Calls fn on each item and returns the sum of the results. */
    typedef int (*transform_fn)(int value);
    int map_sum(const int *items, int n, transform_fn fn);

    /* Calls visit(items[i], userdata) for each item, in order, and stops
       at the first call that returns non-zero. Returns how many calls
       returned 0. */
    typedef int (*visit_fn)(int item, void *userdata);
    int for_each(const int *items, int n, visit_fn visit, void *userdata);

    /* A C library that keeps a handler, and calls it later, from fire(). */
    typedef int (*handler_fn)(int value, void *userdata);
    void set_handler(handler_fn fn, void *userdata);
    int fire(int value);

    /* From the C library, <stdlib.h>. */
    void qsort(void *base, size_t n, size_t size,
               int (*compar)(const void *, const void *));

    /* Written in Python, called by C. */
    extern "Python" int square(int value);
    extern "Python" int forgotten(int value);
    extern "Python" int collect(int item, void *userdata);
    extern "Python" int descending(const void *a, const void *b);
    extern "Python" int by_distance(const void *a, const void *b);

    /* Also callable by name from other C code. */
    extern "Python+C" int scale(int value);
    int sum_scaled(const int *items, int n);
    // --8<-- [end:cdef]
""")

ffibuilder.set_source(
    "_cblab_cffi",
    r"""
    #include <stdlib.h>

    typedef int (*transform_fn)(int value);
    typedef int (*visit_fn)(int item, void *userdata);
    typedef int (*handler_fn)(int value, void *userdata);

    int map_sum(const int *items, int n, transform_fn fn)
    {
        int total = 0;
        for (int i = 0; i < n; i++)
            total += fn(items[i]);
        return total;
    }

    int for_each(const int *items, int n, visit_fn visit, void *userdata)
    {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            if (visit(items[i], userdata) != 0)
                break;
            ok++;
        }
        return ok;
    }

    /* The library keeps both pointers, long after set_handler() returned. */
    static handler_fn saved_fn = NULL;
    static void *saved_userdata = NULL;

    void set_handler(handler_fn fn, void *userdata)
    {
        saved_fn = fn;
        saved_userdata = userdata;
    }

    int fire(int value)
    {
        return saved_fn ? saved_fn(value, saved_userdata) : -1;
    }

    // --8<-- [start:scale]
    /* CFFI writes scale() itself, after this code: declare it first.
       "Python+C" makes it an ordinary (not static) C function, which
       other C files could call too, given this same declaration. */
    int scale(int value);

    int sum_scaled(const int *items, int n)
    {
        int total = 0;
        for (int i = 0; i < n; i++)
            total += scale(items[i]);   /* a direct call into Python */
        return total;
    }
    // --8<-- [end:scale]
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
