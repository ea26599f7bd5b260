"""Exercise 09_callbacks/sort, build time: let C's qsort() call comparators written in Python.

This builder compiles ``_sort_cffi`` in API mode. Its C source only includes
<stdlib.h>, where the C library declares qsort():

    void qsort(void *base, size_t n, size_t size,
               int (*compar)(const void *, const void *));

qsort() sorts the n items of `size` bytes at `base`, in place, and calls
compar(a, b) whenever it needs to know how two items compare: a and b point
to the items. compar returns a negative number when a comes first, a
positive number when b comes first, and 0 when either order will do.

Declare, in cdef(), qsort() and two comparators that sort.py writes in
Python, named `descending` and `shorter_first`, with the type qsort()
expects of compar. Then finish sort.py.

Grade it:  nox -s grade -- 09_callbacks/sort
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    /* TODO: declare qsort(), as <stdlib.h> does (see above). */

    /* TODO: declare the comparators `descending` and `shorter_first`:
       functions that C calls and Python implements, with the signature of
       qsort()'s compar argument. */
""")

ffibuilder.set_source(
    "_sort_cffi",
    """
    #include <stdlib.h>
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
