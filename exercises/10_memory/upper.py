"""Exercise 10_memory/upper: take ownership of memory that C allocated.

upper_build.py (your C, first) compiles ``_upper_cffi``. Its dup_upper and
repeat_join return a ``char *`` to new memory from malloc: the caller owns
it and must give it back with lib.release(), exactly once. CFFI cannot do it
for you: it does not know who allocated what a C function returns.

Finish the two functions below. Each returns a str, gives the C memory back
before it returns (also when something goes wrong after the call), and
raises MemoryError when C returns NULL.

Grade it:  nox -s grade -- 10_memory/upper
"""

from _upper_cffi import ffi, lib


def upper(text):
    """text with its ASCII letters upper-cased, by C: upper("naïve") == "NAïVE"."""
    # TODO: call lib.dup_upper on the UTF-8 bytes of text; NULL means MemoryError.
    # TODO: copy the result into a Python str, then release the C memory, exactly once,
    #       even if the copy fails (try/finally, or ffi.gc(p, lib.release)).
    raise NotImplementedError("upper is not written yet")


def repeat(text, n, sep="-"):
    """n copies of text joined by sep (one ASCII character), by C: repeat("ab", 3) == "ab-ab-ab"."""
    # TODO: as in upper(), with lib.repeat_join(data, n, sep_byte): a C char takes a bytes object of length 1.
    raise NotImplementedError("repeat is not written yet")
