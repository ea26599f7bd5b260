"""Wrong: keeps the encoded bytes alive, but argv points to the char[] copies, which nothing keeps."""

from _argv_cffi import ffi


class Argv:
    def __init__(self, args):
        self._data = [a.encode("utf-8") for a in args]
        self.argc = len(args)
        self.argv = ffi.new("char *[]", [ffi.new("char[]", d) for d in self._data] + [ffi.NULL])


def make_argv(args):
    return Argv(args)
