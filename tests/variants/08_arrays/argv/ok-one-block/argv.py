"""Exercise 08_arrays/argv, another correct solution: every string in one C block, pointers into it."""

from _argv_cffi import ffi


class Argv:
    def __init__(self, args):
        encoded = [arg.encode("utf-8") + b"\0" for arg in args]
        # One owner for all the strings, each followed by its NUL.
        self._block = ffi.new("char[]", b"".join(encoded) or b"\0")
        self.argc = len(args)
        self.argv = ffi.new("char *[]", self.argc + 1)   # zero-filled: the last pointer is already NULL
        offset = 0
        for i, data in enumerate(encoded):
            self.argv[i] = self._block + offset
            offset += len(data)


def make_argv(args):
    return Argv(args)
