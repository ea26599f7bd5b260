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

from _argv_cffi import ffi, lib


class Argv:
    """A C argument vector built from a list of str.

    argc: the number of strings, len(args).
    argv: a cdata 'char *[]' of argc + 1 pointers, each to a copy of one string
          (UTF-8, NUL-terminated), the last one ffi.NULL.
    """

    def __init__(self, args):
        # TODO: make a C copy of each string (UTF-8 bytes with a NUL at the end), and
        #       keep every one of them alive as long as this object.
        # TODO: set self.argc, and self.argv: the array of pointers to those copies, ending with ffi.NULL.
        raise NotImplementedError("Argv is not written yet")


def make_argv(args):
    """An Argv for the list of str args (nothing to change here)."""
    return Argv(args)
