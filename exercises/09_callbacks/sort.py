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


# TODO: attach this function to the extern "Python" function of the same name.
def descending(a, b):
    """Compare two C ints, through pointers to them: the larger one comes first."""
    # TODO: read the two ints (a and b are `void *`: cast them to `int *` first),
    # and return a negative number when a's int is the larger one, a positive
    # number when b's is, 0 when they are equal. The result must fit in a C int.
    raise NotImplementedError("descending is not written yet")


# TODO: attach this function to the extern "Python" function of the same name.
def shorter_first(a, b):
    """Compare two C strings, through pointers to the `char *` items: the shorter comes first.

    Strings of the same length come in alphabetical order (the order of
    their UTF-8 bytes, which is also the order of Python's str).
    """
    # TODO: each of a and b points to an item of a `char *` array: read the
    # char * it holds, then the bytes of that C string.
    raise NotImplementedError("shorter_first is not written yet")


def sort_descending(values):
    """A new list: the ints of `values`, largest first, sorted by qsort()."""
    # TODO: copy values into a C int array, qsort() it with lib.descending,
    # and return its items as a list of Python ints.
    raise NotImplementedError("sort_descending is not written yet")


def sort_words(words):
    """A new list: the str `words`, shortest first (then alphabetical), sorted by qsort().

    Length is the number of characters: sort_words(["été", "abcd", "ab"])
    == ["ab", "été", "abcd"].
    """
    # TODO: make a C array of `char *`, one pointer per word (its UTF-8 bytes in
    # C memory, NUL-terminated), qsort() it with lib.shorter_first, and read
    # the words back in their new order. Keep the memory of every word alive
    # until you have read them back.
    raise NotImplementedError("sort_words is not written yet")
