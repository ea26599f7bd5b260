"""Exercise 06_types/text: pass text to C correctly.

text_build.py (given: nothing to change there) compiles ``_text_cffi`` with
two C functions that work on UTF-8 bytes, each taking a length in bytes:

    void ascii_upper(char *text, size_t length);
        upper-cases the ASCII letters of text[0..length), in place: it
        *writes* into the memory it is given.
    size_t utf8_fit(const char *text, size_t length, size_t max_bytes);
        how many of the first bytes fit in max_bytes without cutting a
        character in two.

Finish the two Python functions below. They take and return str; C gets
UTF-8 bytes and their length in bytes. Text may contain any character,
NUL ("\\0") included.

Grade it:  nox -s grade -- 06_types/text
"""

import _text_cffi


def shout(text):
    """text with its ASCII letters upper-cased by C."""
    raw = text.encode("utf-8")
    size = len(raw)
    memory = _text_cffi.ffi.new("char[]", size + 1)
    _text_cffi.ffi.buffer(memory, size)[:] = raw
    _text_cffi.lib.ascii_upper(memory, size)
    return _text_cffi.ffi.buffer(memory, size)[:].decode("utf-8")


def fit(text, max_bytes, _utf8_fit=_text_cffi.lib.utf8_fit):
    """The longest start of text whose UTF-8 form fits in max_bytes bytes."""
    raw = text.encode("utf-8")
    return raw[: _utf8_fit(raw, len(raw), max_bytes)].decode("utf-8")


def label(name, count):
    """The label C's text_format() writes for format b"%s x%d": label("écrou", 12) == "écrou x12".

    name is a str whose UTF-8 form is shorter than 100 bytes; count fits a C int.
    """
    out = _text_cffi.ffi.new("char[]", 128)  # 100 bytes of name, " x", 11 characters of an int and the NUL
    # After format, C's prototype says nothing of the types: each value must be a cdata of the
    # type its % directive reads (%s a char *, %d an int). A bytes object or a Python int is refused.
    _text_cffi.lib.text_format(out, len(out), b"%s x%d", _text_cffi.ffi.new("char[]", name.encode("utf-8")), _text_cffi.ffi.cast("int", count))
    # C ended the text with a NUL, and the label holds no other: _text_cffi.ffi.string() stops there.
    return _text_cffi.ffi.string(out).decode("utf-8")
