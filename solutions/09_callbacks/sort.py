"""Exercise 09_callbacks/sort: sort with the C library's qsort() and Python comparators.

sort_build.py (your cdef) compiles ``_sort_cffi``, which gives Python the C
library's qsort() and two extern "Python" comparators, ``descending`` and
``shorter_first``. Write the comparators here, attach them to their C names,
and finish the two sorting functions. The sorting itself must be qsort()'s
work, with lib.descending and lib.shorter_first as its comparators (not
ffi.callback(), and not Python's sorted()).

A comparator receives two `const void *` pointers to the items being
compared and returns an int: negative when the first item comes first,
positive when the second does, 0 when either order will do.

Grade it:  nox -s grade -- 09_callbacks/sort
"""

from _sort_cffi import ffi, lib


# def_extern() finds the extern "Python" function by this function's name.
@ffi.def_extern()
def descending(a, b):
    """Compare two C ints, through pointers to them: the larger one comes first."""
    # qsort() knows nothing of the items' type: they come as `void *`.
    x = ffi.cast("int *", a)[0]
    y = ffi.cast("int *", b)[0]
    # -1/0/1, never y - x: that difference may not fit in a C int (INT_MAX - INT_MIN).
    return (x < y) - (x > y)


@ffi.def_extern()
def shorter_first(a, b):
    """Compare two C strings, through pointers to the `char *` items: the shorter comes first.

    Strings of the same length come in alphabetical order (the order of
    their UTF-8 bytes, which is also the order of Python's str).
    """
    # Each item is a `char *`, so a and b point to pointers.
    x = ffi.string(ffi.cast("char **", a)[0]).decode("utf-8")
    y = ffi.string(ffi.cast("char **", b)[0]).decode("utf-8")
    kx, ky = (len(x), x), (len(y), y)
    return (kx > ky) - (kx < ky)


def sort_descending(values):
    """A new list: the ints of `values`, largest first, sorted by qsort()."""
    items = ffi.new("int[]", list(values))
    # lib.descending is the C function pointer; descending itself is only Python.
    lib.qsort(items, len(items), ffi.sizeof("int"), lib.descending)
    return list(items)


def sort_words(words):
    """A new list: the str `words`, shortest first (then alphabetical), sorted by qsort().

    Length is the number of characters: sort_words(["été", "abcd", "ab"])
    == ["ab", "été", "abcd"].
    """
    # One owner per word: the `char *[]` array only copies their addresses,
    # so `owners` must outlive every use of `pointers`.
    owners = [ffi.new("char[]", word.encode("utf-8")) for word in words]
    pointers = ffi.new("char *[]", owners)
    lib.qsort(pointers, len(pointers), ffi.sizeof("char *"), lib.shorter_first)
    return [ffi.string(p).decode("utf-8") for p in pointers]
