"""Build the module _arrays_cffi: small C functions that take arrays, pointers and buffers.

Run it once (python lab_build.py); the examples of lesson 08 then use
`from _arrays_cffi import ffi, lib`.
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    // --8<-- [start:cdef]
    double sum_doubles(const double *values, size_t count);
    void fill_squares(int *out, size_t count);
    int min_max(const int *values, size_t count, int *lowest, int *highest);
    void invert_bytes(unsigned char *data, size_t length);
    int count_args(char **argv);
    size_t args_length(int argc, char **argv);

    extern const void *last_seen;   /* the address the last call received */
    // --8<-- [end:cdef]
""")

ffibuilder.set_source(
    "_arrays_cffi",
    """
    #include <stddef.h>
    #include <string.h>

    const void *last_seen = NULL;

    double sum_doubles(const double *values, size_t count)
    {
        double total = 0.0;
        last_seen = values;
        for (size_t i = 0; i < count; i++)
            total += values[i];
        return total;
    }

    /* Writes 0, 1, 4, 9, ... into out[0..count). */
    void fill_squares(int *out, size_t count)
    {
        last_seen = out;
        for (size_t i = 0; i < count; i++)
            out[i] = (int)(i * i);
    }

    // --8<-- [start:min_max]
    /* Two results, so two out-parameters: C writes them through the
       pointers it is given. Returns 0, or -1 (writing nothing) when
       there is no value to look at. */
    int min_max(const int *values, size_t count, int *lowest, int *highest)
    {
        if (count == 0)
            return -1;
        int lo = values[0], hi = values[0];
        for (size_t i = 1; i < count; i++) {
            if (values[i] < lo) lo = values[i];
            if (values[i] > hi) hi = values[i];
        }
        *lowest = lo;
        *highest = hi;
        return 0;
    }
    // --8<-- [end:min_max]

    /* Flips every bit of data[0..length), in place. */
    void invert_bytes(unsigned char *data, size_t length)
    {
        last_seen = data;
        for (size_t i = 0; i < length; i++)
            data[i] = (unsigned char)~data[i];
    }

    // --8<-- [start:argv]
    /* Counts the strings of argv, up to the NULL pointer that ends it,
       as a program's main() and the exec* functions expect. */
    int count_args(char **argv)
    {
        int n = 0;
        while (argv[n] != NULL)
            n++;
        return n;
    }

    /* The total length of the argc strings of argv. */
    size_t args_length(int argc, char **argv)
    {
        size_t total = 0;
        for (int i = 0; i < argc; i++)
            total += strlen(argv[i]);
        return total;
    }
    // --8<-- [end:argv]
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
