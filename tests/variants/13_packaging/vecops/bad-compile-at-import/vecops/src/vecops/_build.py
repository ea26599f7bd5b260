"""Exercise 13_packaging/vecops, build time: the builder of vecops._native.

setuptools runs this file when it builds the package (once setup.py names it in
``cffi_modules``), so the compiled module ends up in the wheel. The package's
__init__.py imports it as ``from ._native import lib``: the module must be
built *inside* the package vecops.

Grade it:  nox -s grade -- 13_packaging/vecops
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    double vecops_dot(const double *a, const double *b, size_t n);
""")

ffibuilder.set_source(
    "vecops._native",  # a dotted name: the module is built inside the package, where __init__.py imports it
    """
    #include <stddef.h>

    double vecops_dot(const double *a, const double *b, size_t n)
    {
        double sum = 0.0;
        for (size_t i = 0; i < n; i++)
            sum += a[i] * b[i];
        return sum;
    }
    """,
)

ffibuilder.compile(verbose=True)
