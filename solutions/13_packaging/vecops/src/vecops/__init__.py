"""vecops: dot products of vectors, computed in C.

The C function lives in the compiled module ``vecops._native``, built from
_build.py when the package is built. Nothing to change in this file.

Part of exercise 13_packaging/vecops. Grade it:  nox -s grade -- 13_packaging/vecops
"""

from ._native import lib


def dot(a, b):
    """The dot product of two sequences of numbers of the same length."""
    if len(a) != len(b):
        raise ValueError(f"the vectors have different lengths: {len(a)} and {len(b)}")
    return lib.vecops_dot(a, b, len(a))
