"""geo: small geometry helpers, computed in C by the compiled module geo._geo_cffi."""

from ._geo_cffi import lib


def manhattan(a, b):
    """The distance from point a to point b moving along the grid, as a taxi in Manhattan does."""
    (x1, y1), (x2, y2) = a, b
    return lib.manhattan(x1, y1, x2, y2)
