"""Exercise 08_arrays/argv, build time: C functions that take an argument vector.

Nothing to change in this file: your work is in argv.py.

This builder compiles ``_argv_cffi``. Its C functions take their strings the
way a C program's main() does: an array of char * pointers, argv, one per
string, followed by a NULL pointer.

Grade it:  nox -s grade -- 08_arrays/argv
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    int count_args(char **argv);
    size_t join_args(int argc, char **argv, char *out, size_t size);
""")

ffibuilder.set_source(
    "_argv_cffi",
    """
    #include <stddef.h>
    #include <string.h>

    /* The number of strings in argv, up to the NULL pointer that ends it. */
    int count_args(char **argv)
    {
        int n = 0;
        while (argv[n] != NULL)
            n++;
        return n;
    }

    /* Writes the argc strings of argv into out, separated by one space, and
       ending with a NUL, if that fits in size bytes (out may be NULL when
       size is 0). Returns the length of the joined text, without the NUL:
       call it with a buffer of at least that length + 1. */
    size_t join_args(int argc, char **argv, char *out, size_t size)
    {
        size_t needed = 0;
        for (int i = 0; i < argc; i++)
            needed += strlen(argv[i]) + (i > 0);
        if (out != NULL && size > needed) {
            char *p = out;
            for (int i = 0; i < argc; i++) {
                size_t n = strlen(argv[i]);
                if (i > 0)
                    *p++ = ' ';
                memcpy(p, argv[i], n);
                p += n;
            }
            *p = '\\0';
        }
        return needed;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
