"""Exercise 06_types/text: pass text to C correctly.

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
    # TODO: encode text as UTF-8 and copy the bytes into C memory that ascii_upper may write to.
    # TODO: call lib.ascii_upper on that memory, with the length in bytes.
    # TODO: read back exactly that many bytes and decode them into a str.
    raise NotImplementedError("shout is not written yet")


def fit(text, max_bytes):
    """The longest start of text whose UTF-8 form fits in max_bytes bytes: fit("naïve", 3) == "na".

    A character is never cut in two: "ï" takes 2 bytes, so it fits in 4 bytes after "na", not in 3.
    """
    # TODO: encode text as UTF-8 and ask lib.utf8_fit how many of those bytes fit in max_bytes.
    # TODO: return that many bytes of the encoded text, decoded into a str.
    raise NotImplementedError("fit is not written yet")


def label(name, count):
    """The label C's text_format() writes for format b"%s x%d": label("écrou", 12) == "écrou x12".

    name is a str whose UTF-8 form is shorter than 100 bytes; count fits a C int.
    """
    # TODO: make a C buffer large enough for any label (128 bytes).
    # TODO: call lib.text_format(buffer, its size, b"%s x%d", name, count), with name and count
    #       turned into cdata: the variadic part takes nothing else.
    # TODO: read back the text C wrote, up to its NUL, and decode it into a str.
    raise NotImplementedError("label is not written yet")
