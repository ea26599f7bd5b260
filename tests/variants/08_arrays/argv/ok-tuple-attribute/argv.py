"""Exercise 08_arrays/argv, another correct solution: the owners in a tuple, the array filled item by item."""

from _argv_cffi import ffi


class Argv:
    def __init__(self, args):
        self.keepalive = tuple(ffi.new("char[]", a.encode("utf-8")) for a in args)
        self.argc = len(self.keepalive)
        self.argv = ffi.new("char *[]", self.argc + 1)
        for i, owner in enumerate(self.keepalive):
            self.argv[i] = owner
        self.argv[self.argc] = ffi.NULL


def make_argv(args):
    return Argv(args)
