"""Exercise 08_arrays/argv: build a C argument vector that stays alive.

argv_build.py (given: nothing to change there) compiles ``_argv_cffi`` with
C functions that take their strings the way a C program's main() gets them:

    int count_args(char **argv);
        counts the strings, up to the NULL pointer that ends argv.
    size_t join_args(int argc, char **argv, char *out, size_t size);
        joins the argc strings with spaces.

argv is an array of argc + 1 pointers: one per string (each string is UTF-8
bytes ending with a NUL), then NULL. Finish the class Argv below: Argv(args)
builds that array from a list of str, and it must stay valid for as long as
the Argv object lives, however long that is and whatever Python allocates
and frees in the meantime, so that code like this works:

    a = make_argv(["prog", "--name", "Zoë"])
    ...                                    # much later
    lib.join_args(a.argc, a.argv, out, size)

Grade it:  nox -s grade -- 08_arrays/argv
"""

from _argv_cffi import ffi


class Argv:
    """A C argument vector built from a list of str.

    argc: the number of strings, len(args).
    argv: a cdata 'char *[]' of argc + 1 pointers, each to a copy of one string
          (UTF-8, NUL-terminated), the last one ffi.NULL.
    """

    def __init__(self, args):
        # Each char[] owns one string's memory (with the NUL ffi.new adds): it is freed when its
        # cdata object dies, so this object keeps them all, for as long as argv may be used.
        self._strings = [ffi.new("char[]", arg.encode("utf-8")) for arg in args]
        self.argc = len(args)
        # The char *[] holds only addresses: it does not keep the strings alive, self._strings does.
        # C's convention: a NULL pointer after the last string.
        self.argv = ffi.new("char *[]", [*self._strings, ffi.NULL])


def make_argv(args):
    """An Argv for the list of str args (nothing to change here)."""
    return Argv(args)
