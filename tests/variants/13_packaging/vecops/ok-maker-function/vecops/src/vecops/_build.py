"""Exercise 13_packaging/vecops, build time (variant: a function makes the FFI object)."""

from cffi import FFI

C_SOURCE = """
#include <stddef.h>

double vecops_dot(const double *a, const double *b, size_t n)
{
    double total = 0.0;
    size_t i;
    for (i = 0; i < n; i++)
        total += a[i] * b[i];
    return total;
}
"""


def make_ffi():
    ffibuilder = FFI()
    ffibuilder.cdef("double vecops_dot(const double *a, const double *b, size_t n);")
    ffibuilder.set_source("vecops._native", C_SOURCE)
    return ffibuilder


if __name__ == "__main__":
    make_ffi().compile(verbose=True)
