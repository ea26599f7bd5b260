"""Build libtextstats: a C library whose two functions are written in Python (lesson 16).

Run `python textstats_build.py`: it writes libtextstats.so (libtextstats.dylib on macOS,
libtextstats.dll on Windows) here, for textstats_host.c or any C program to load."""

from cffi import FFI

ffibuilder = FFI()

# The functions C programs call: the library's header, in cdef syntax.
ffibuilder.embedding_api("""
    int count_words(const char *text);
    int longest_word(const char *text, char *out, int size);
""")

ffibuilder.set_source("textstats", "")

# Runs once, when a C program first calls one of the functions.
ffibuilder.embedding_init_code("""
    from textstats import ffi

    @ffi.def_extern()
    def count_words(text):
        # TODO: the number of words in text (a char *, UTF-8), separated by spaces and tabs.
        return 0

    # TODO: longest_word(text, out, size): write the first longest word (in characters) into
    # out, as many whole characters as fit in size - 1 bytes, then a NUL; return its full
    # length in UTF-8 bytes.
""")

if __name__ == "__main__":
    ffibuilder.compile(target="libtextstats.*", verbose=True)
