"""Wrong: keeps the owners, but argv has no NULL after the last string (C walks off its end)."""

from _argv_cffi import ffi


class Argv:
    def __init__(self, args):
        self._strings = [ffi.new("char[]", a.encode("utf-8")) for a in args]
        self.argc = len(args)
        self.argv = ffi.new("char *[]", self._strings)


def make_argv(args):
    return Argv(args)
