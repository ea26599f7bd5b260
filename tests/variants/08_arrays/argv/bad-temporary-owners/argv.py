"""Wrong: the char[] owners live only inside the expression; argv keeps their addresses, not the owners."""

from _argv_cffi import ffi


class Argv:
    def __init__(self, args):
        self.argc = len(args)
        self.argv = ffi.new("char *[]", [ffi.new("char[]", a.encode("utf-8")) for a in args] + [ffi.NULL])


def make_argv(args):
    return Argv(args)
