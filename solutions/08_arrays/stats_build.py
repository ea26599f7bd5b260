"""Exercise 08_arrays/stats, build time: a C function that reads an array of doubles.

Nothing to change in this file: your work is in stats.py.

This builder compiles ``_stats_cffi``. Its C function adds up count doubles,
and remembers the address and the count it was given in the globals
``last_values`` and ``last_count`` (the grader reads them, to see which
memory C read).

Grade it:  nox -s grade -- 08_arrays/stats
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    double sum_doubles(const double *values, size_t count);
    extern const double *last_values;
    extern size_t last_count;
""")

ffibuilder.set_source(
    "_stats_cffi",
    """
    #include <stddef.h>

    const double *last_values = NULL;
    size_t last_count = 0;

    /* The sum of values[0..count). */
    double sum_doubles(const double *values, size_t count)
    {
        double total = 0.0;
        last_values = values;
        last_count = count;
        for (size_t i = 0; i < count; i++)
            total += values[i];
        return total;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
