"""Wrong: the owners are in a local variable, which dies when __init__ returns."""

from _argv_cffi import ffi


class Argv:
    def __init__(self, args):
        owners = [ffi.new("char[]", a.encode("utf-8")) for a in args]
        self.argc = len(owners)
        self.argv = ffi.new("char *[]", [*owners, ffi.NULL])


def make_argv(args):
    return Argv(args)
