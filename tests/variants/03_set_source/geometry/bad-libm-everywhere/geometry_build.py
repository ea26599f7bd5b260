"""A likely mistake: libm asked for on every platform, Windows included.

Exercise 03_set_source/geometry: link the maths library, portably.

This builder compiles a module named ``_geometry_cffi`` with two C functions
that need the C maths library (declared in the header <math.h>):

* ``double distance(double x1, double y1, double x2, double y2)``: the
  distance between the points (x1, y1) and (x2, y2), computed with
  ``hypot()``, which gets it right even where squaring the differences
  would overflow (coordinates around 1e200);
* ``double cube_root(double x)``: the real cube root of x, computed with
  ``cbrt()``, which handles negative numbers too (the cube root of -8 is -2).

On Linux and most other POSIX systems the maths functions live in their own
library, libm, which the module must be linked with. On Windows they are part
of the C runtime: there is no separate maths library there, and asking for
one breaks the build. The builder must work on both.

Grade it:  nox -s grade -- 03_set_source/geometry
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    double distance(double x1, double y1, double x2, double y2);
    double cube_root(double x);
""")

ffibuilder.set_source(
    "_geometry_cffi",
    """
    /* The declarations of hypot() and cbrt(); their code is in the maths library, linked below. */
    #include <math.h>

    double distance(double x1, double y1, double x2, double y2)
    {
        return hypot(x2 - x1, y2 - y1);  /* sqrt(dx*dx + dy*dy) without overflowing in dx*dx */
    }

    double cube_root(double x)
    {
        return cbrt(x);  /* pow(x, 1.0 / 3) would give NaN for a negative x */
    }
    """,
    # libm is a library of its own on POSIX systems; Windows has none (its C runtime holds the maths).
    libraries=["m"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
