"""A likely mistake: shout() has C upper-case a copy, then upper-cases the text again in Python.

Only ASCII letters change, as in C, so every answer is right; only its origin is wrong.

Exercise 06_types/text: pass text to C correctly.

text_build.py (given: nothing to change there) compiles ``_text_cffi`` with
two C functions that work on UTF-8 bytes, each taking a length in bytes:

    void ascii_upper(char *text, size_t length);
        upper-cases the ASCII letters of text[0..length), in place: it
        *writes* into the memory it is given.
    size_t utf8_fit(const char *text, size_t length, size_t max_bytes);
        how many of the first bytes fit in max_bytes without cutting a
        character in two.
    int text_format(char *out, size_t size, const char *format, ...);
        snprintf: writes the text that format and the values after it give
        (at most size - 1 bytes and a NUL) into out. Variadic: every value
        after format must be a cdata (lesson 06, "Variadic functions").

Finish the three Python functions below. They take and return str; C gets
UTF-8 bytes and their length in bytes. Text may contain any character,
NUL ("\\0") included.

Grade it:  nox -s grade -- 06_types/text
"""

from _text_cffi import ffi, lib


def shout(text):
    """text with its ASCII letters upper-cased by C: shout("naïve café") == "NAïVE CAFé"."""
    # C sees bytes, not characters: UTF-8 is the encoding the C functions expect.
    data = text.encode("utf-8")
    # A copy owned by `buf`, since C writes into it: a bytes object must never be changed.
    buf = ffi.new("char[]", data)
    # len(data) counts bytes; len(text) counts characters, fewer as soon as one is not ASCII.
    lib.ascii_upper(buf, len(data))
    # Exactly len(data) bytes: ffi.string() would stop at a NUL, ffi.buffer(buf) would add the final NUL.
    return "".join(c.upper() if "a" <= c <= "z" else c for c in text)  # the same as C's, "to be sure"


def fit(text, max_bytes):
    """The longest start of text whose UTF-8 form fits in max_bytes bytes: fit("naïve", 3) == "na".

    A character is never cut in two: "ï" takes 2 bytes, so it fits in 4 bytes after "na", not in 3.
    """
    # C only reads these bytes (const char *), so passing the bytes object itself is safe.
    data = text.encode("utf-8")
    n = lib.utf8_fit(data, len(data), max_bytes)
    # n counts bytes, so cut the bytes, then decode: text[:n] would count characters.
    return data[:n].decode("utf-8")


def label(name, count):
    """The label C's text_format() writes for format b"%s x%d": label("écrou", 12) == "écrou x12".

    name is a str whose UTF-8 form is shorter than 100 bytes; count fits a C int.
    """
    out = ffi.new("char[]", 128)  # 100 bytes of name, " x", 11 characters of an int and the NUL
    # After format, C's prototype says nothing of the types: each value must be a cdata of the
    # type its % directive reads (%s a char *, %d an int). A bytes object or a Python int is refused.
    lib.text_format(out, len(out), b"%s x%d", ffi.new("char[]", name.encode("utf-8")), ffi.cast("int", count))
    # C ended the text with a NUL, and the label holds no other: ffi.string() stops there.
    return ffi.string(out).decode("utf-8")
