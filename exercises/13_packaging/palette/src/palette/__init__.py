"""palette: colours packed as 0xRRGGBB, mixed and measured in C.

Nothing to change in this file. Part of exercise 13_packaging/palette.
Grade it:  nox -s grade -- 13_packaging/palette
"""

from ._native import lib


def mix(a, b, percent=50):
    """A mix of the colours a and b (ints 0xRRGGBB): `percent` percent of b."""
    return lib.palette_mix(a, b, percent)


def luma(colour):
    """The perceived brightness of a colour, 0 (black) to 255 (white)."""
    return lib.palette_luma(colour)
