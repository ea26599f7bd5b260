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
        return len(ffi.string(text).decode("utf-8").split())

    @ffi.def_extern()
    def longest_word(text, out, size):
        words = ffi.string(text).decode("utf-8").split()
        word = max(words, key=lambda w: len(w.encode("utf-8"))) if words else ""
        data = word.encode("utf-8")
        # As many whole characters as fit in size - 1 bytes, then the NUL.
        kept = data[:size - 1].decode("utf-8", "ignore").encode("utf-8")
        ffi.memmove(out, kept + b"\\0", len(kept) + 1)
        return len(data)
""")

if __name__ == "__main__":
    ffibuilder.compile(target="libtextstats.*", verbose=True)
