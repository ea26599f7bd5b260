"""Exercise 10_memory/upper: take ownership of memory that C allocated (solution).

upper_build.py (your C, first) compiles ``_upper_cffi``. Its dup_upper and
repeat_join return a ``char *`` to new memory from malloc: the caller owns
it and must give it back with lib.release(), exactly once. CFFI cannot do it
for you: it does not know who allocated what a C function returns.

Grade it:  nox -s grade -- 10_memory/upper
"""

from _upper_cffi import ffi, lib


def _take_string(p, call):
    """The str at p, a string C allocated for us; gives the memory back in every case."""
    try:
        return ffi.string(p).decode("utf-8")
    finally:
        lib.release(p)


def upper(text):
    """text with its ASCII letters upper-cased, by C: upper("naïve") == "NAïVE"."""
    return _take_string(lib.dup_upper(text.encode("utf-8")), "dup_upper")


def repeat(text, n, sep="-"):
    """n copies of text joined by sep (one ASCII character), by C: repeat("ab", 3) == "ab-ab-ab"."""
    return _take_string(lib.repeat_join(text.encode("utf-8"), n, sep.encode("ascii")), "repeat_join")
