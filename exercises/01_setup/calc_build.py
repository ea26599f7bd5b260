"""Exercise 01_setup/calc: build time and run time.

Two files work together in this exercise:

* calc_build.py (this file) runs at *build time*. Its ``ffibuilder`` describes
  the C code and compiles it into a module named ``_calc_cffi``.
* calc.py runs at *run time*. It imports ``lib`` from the compiled
  ``_calc_cffi`` and wraps the C functions in friendly Python functions.

C's ``int divide(int a, int b)`` is already done below. Your tasks:

1. Here: add a second C function, ``int modulo(int a, int b)``, that returns
   ``a % b`` computed in C.
2. In calc.py: finish the wrappers ``divide`` and ``modulo``.

Grade it:  nox -s grade -- 01_setup/calc
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    int divide(int a, int b);
    /* TODO: declare the C function `modulo`. */
""")

ffibuilder.set_source(
    "_calc_cffi",
    """
    int divide(int a, int b) {
        return a / b;
    }

    /* TODO: write the C function `modulo`, returning a % b. */
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
