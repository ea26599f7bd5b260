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

from _text_cffi import ffi, lib


def shout(text):
    """text with its ASCII letters upper-cased by C."""
    data = bytearray(text, "utf-8")  # a mutable copy: C may write into it
    lib.ascii_upper(ffi.from_buffer(data), len(data))
    return data.decode()


def fit(text, max_bytes):
    """The longest start of text whose UTF-8 form fits in max_bytes bytes."""
    encoded = text.encode()
    c_copy = ffi.new("char[]", encoded)
    return encoded[: lib.utf8_fit(c_copy, len(encoded), max_bytes)].decode()
