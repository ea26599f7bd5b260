"""greet: a Python face for libgreet (given: nothing to change here)."""

from greet._greet import ffi, lib


def hello(name: str) -> str:
    """The greeting libgreet writes for ``name``."""
    data = name.encode("utf-8")
    size = lib.greet_format(data, ffi.NULL, 0) + 1  # the length it needs, as with snprintf
    out = ffi.new("char[]", size)
    lib.greet_format(data, out, size)
    return ffi.string(out).decode("utf-8")
