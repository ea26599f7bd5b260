"""tally: count bytes, in C."""

from ._native import lib


def count(data, value):
    """How many bytes of `data` (bytes) are equal to `value` (an int, 0 to 255)."""
    return lib.tally_count(data, len(data), value)
