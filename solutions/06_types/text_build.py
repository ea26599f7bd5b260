"""Exercise 06_types/text, build time: two C functions that work on UTF-8 bytes.

Nothing to change in this file: your work is in text.py.

This builder compiles ``_text_cffi``. Like most C code, its functions know
nothing of Python's str: they take a pointer to bytes and a length in bytes.

Grade it:  nox -s grade -- 06_types/text
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    void ascii_upper(char *text, size_t length);
    size_t utf8_fit(const char *text, size_t length, size_t max_bytes);
    int text_format(char *out, size_t size, const char *format, ...);
""")

ffibuilder.set_source(
    "_text_cffi",
    """
    #include <stdarg.h>
    #include <stddef.h>
    #include <stdio.h>

    /* Upper-cases the ASCII letters a-z among text[0..length), in place.
       Every other byte (digits, NULs, the bytes of non-ASCII characters)
       is left as it is. */
    void ascii_upper(char *text, size_t length)
    {
        for (size_t i = 0; i < length; i++)
            if (text[i] >= 'a' && text[i] <= 'z')
                text[i] = text[i] - 'a' + 'A';
    }

    /* How many bytes of the UTF-8 text text[0..length) fit in max_bytes
       without cutting a character in two: the largest n, at most
       max_bytes and at most length, such that byte n does not continue
       the character before it. */
    size_t utf8_fit(const char *text, size_t length, size_t max_bytes)
    {
        size_t n = max_bytes < length ? max_bytes : length;
        /* A continuation byte looks like 10xxxxxx. */
        while (n > 0 && n < length && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
        return n;
    }

    /* printf-style formatting into out, which holds size bytes: writes at
       most size - 1 bytes of the text and a NUL, and returns the length of
       the whole text (as snprintf does). Variadic: the arguments after
       format are the values its %s, %d, ... stand for. */
    int text_format(char *out, size_t size, const char *format, ...)
    {
        va_list values;
        va_start(values, format);
        int length = vsnprintf(out, size, format, values);
        va_end(values);
        return length;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
