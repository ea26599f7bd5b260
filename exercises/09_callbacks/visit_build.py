"""Exercise 09_callbacks/visit, build time: a C function that walks items and calls back.

Nothing to change in this file: your work is in visit.py.

This builder compiles ``_visit_cffi``. Its for_each() is written the way C
libraries write functions that call back: besides the function pointer, it
takes a `void *userdata` that it never looks at, only hands back to the
callback. That pointer is how the callback finds the data it works for.

Grade it:  nox -s grade -- 09_callbacks/visit
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    typedef int (*visit_fn)(int item, void *userdata);

    /* Calls visit(items[i], userdata) for each item, in order, and stops
       after the first call that returns non-zero. Returns the number of
       calls made. */
    int for_each(const int *items, int n, visit_fn visit, void *userdata);

    /* The callback, written in Python (visit.py). */
    extern "Python" int visit_item(int item, void *userdata);
""")

ffibuilder.set_source(
    "_visit_cffi",
    """
    typedef int (*visit_fn)(int item, void *userdata);

    int for_each(const int *items, int n, visit_fn visit, void *userdata)
    {
        int calls = 0;
        for (int i = 0; i < n; i++) {
            calls++;
            if (visit(items[i], userdata) != 0)
                break;
        }
        return calls;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
