"""Exercise 04_compile/shapes: a compiled module inside a package.

The folder shapes/ next to this script is a small Python package. Its
shapes/__init__.py offers Python functions whose work is done in C, by a
compiled module that belongs *inside* the package, imported as
``shapes._shapes_cffi``. Your tasks:

1. Here: name the module so that it is ``_shapes_cffi`` in the package ``shapes``.
2. Here: make ``python shapes_build.py`` build it into the shapes/ folder next
   to this script, whatever folder Python is started from.
3. In shapes/__init__.py: import ``lib`` from that compiled module.

Then, from this folder, ``python shapes_build.py`` followed by
``python -c "import shapes; print(shapes.circle_area(1.0))"`` prints 3.14159...

Grade it:  nox -s grade -- 04_compile/shapes
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

ffibuilder.cdef("""
    double circle_area(double radius);
    double ring_area(double outer, double inner);
""")

ffibuilder.set_source(
    "shapes._shapes_cffi",  # the dotted name puts the module in the package: tmpdir/shapes/_shapes_cffi...
    """
    static const double PI = 3.14159265358979323846;

    double circle_area(double radius)
    {
        return PI * radius * radius;
    }

    double ring_area(double outer, double inner)
    {
        return circle_area(outer) - circle_area(inner);
    }
    """,
)

if __name__ == "__main__":
    # tmpdir is the folder that holds the package (not "."): the dotted name adds the shapes/ part itself.
    ffibuilder.compile(tmpdir=str(HERE), verbose=True)
