"""Python side of the memory bugs: a pointer kept without its owner."""

from _bugs_cffi import ffi, lib


def first_letter(text: bytes) -> int:
    pointer = ffi.cast("char *", ffi.new("char[]", text * 40))  # the owner dies at once
    return lib.first(pointer)
