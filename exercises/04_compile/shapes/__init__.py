"""The shapes package: areas of flat shapes, computed in C.

The C functions live in the compiled module ``shapes._shapes_cffi``, which
shapes_build.py (next to this folder) builds into this folder. Programs use
the functions below and never see the compiled module.

Part of exercise 04_compile/shapes. Grade it:  nox -s grade -- 04_compile/shapes
"""

# TODO: import `lib` from the compiled module of this package, instead of this placeholder.
lib = None


def circle_area(radius):
    """The area of a circle of the given radius."""
    if radius < 0:
        raise ValueError(f"a radius cannot be negative, got {radius}")
    return lib.circle_area(radius)


def ring_area(outer, inner):
    """The area between two circles with the same centre (outer radius >= inner radius)."""
    if not 0 <= inner <= outer:
        raise ValueError(f"need 0 <= inner <= outer, got inner={inner}, outer={outer}")
    return lib.ring_area(outer, inner)
