"""Healthy: sum_each() calls a Python callback for each item."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("int sum_each(int *xs, int n, int (*f)(int));")
ffibuilder.set_source(
    "_visit_cffi",
    """
    int sum_each(int *xs, int n, int (*f)(int)) {
        int s = 0;
        for (int i = 0; i < n; i++)
            s += f(xs[i]);
        return s;
    }
    """,
)
