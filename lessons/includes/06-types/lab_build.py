"""Build the module _lab_cffi: small C functions, each showing one conversion.

Run it once (python lab_build.py); the examples of lesson 06 then use
`from _lab_cffi import ffi, lib`.
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    // --8<-- [start:cdef]
    int add(int a, int b);
    int8_t add8(int8_t a, int8_t b);
    uint32_t lcg_next(uint32_t state);

    double mean(const double *values, size_t count);
    float to_float(double x);

    char next_letter(char c);
    bool is_leap(int year);

    typedef enum { LOW, MEDIUM = 5, HIGH } level;
    level classify(int reading);
    const char *level_label(level value);

    size_t byte_length(const char *text);
    size_t wide_length(const wchar_t *text);
    void upper_ascii(char *text, size_t length);
    int sum_ints(const int *values, size_t count);
    int write_pairs(char *out, int size);
    // --8<-- [end:cdef]
""")

# A raw string (r"""), so that the C escape \0 reaches the C compiler as written.
ffibuilder.set_source(
    "_lab_cffi",
    r"""
    #include <stdbool.h>
    #include <stdint.h>
    #include <string.h>
    #include <wchar.h>

    int add(int a, int b) { return a + b; }

    /* The sum is computed as an int, then stored in 8 bits: C keeps the low 8 bits. */
    int8_t add8(int8_t a, int8_t b) { return (int8_t)(a + b); }

    /* One step of a classic pseudo-random generator: unsigned 32-bit arithmetic wraps. */
    uint32_t lcg_next(uint32_t state) { return state * 1103515245u + 12345u; }

    double mean(const double *values, size_t count)
    {
        double total = 0.0;
        for (size_t i = 0; i < count; i++)
            total += values[i];
        return count ? total / count : 0.0;
    }

    float to_float(double x) { return (float)x; }

    char next_letter(char c) { return c == 'z' ? 'a' : c + 1; }

    bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

    typedef enum { LOW, MEDIUM = 5, HIGH } level;

    level classify(int reading) { return reading < 10 ? LOW : reading < 100 ? MEDIUM : HIGH; }

    /* A label for the three known levels; NULL (no string at all) for any other value. */
    const char *level_label(level value)
    {
        switch (value) {
        case LOW: return "low";
        case MEDIUM: return "medium";
        case HIGH: return "high";
        }
        return NULL;
    }

    /* Counts bytes up to the first NUL, like strlen(). */
    size_t byte_length(const char *text) { return strlen(text); }

    /* Counts wide characters (wchar_t units) up to the first NUL, like wcslen(). */
    size_t wide_length(const wchar_t *text) { return wcslen(text); }

    /* Upper-cases the ASCII letters of text[0..length), in place. */
    void upper_ascii(char *text, size_t length)
    {
        for (size_t i = 0; i < length; i++)
            if (text[i] >= 'a' && text[i] <= 'z')
                text[i] -= 'a' - 'A';
    }

    int sum_ints(const int *values, size_t count)
    {
        int total = 0;
        for (size_t i = 0; i < count; i++)
            total += values[i];
        return total;
    }

    // --8<-- [start:write_pairs]
    /* Writes name/value pairs, each string ending in a NUL byte, into out.
       Returns the length of the data in bytes. If size is too small
       (out may then be NULL), writes nothing: call again with a buffer
       of at least the returned length. */
    int write_pairs(char *out, int size)
    {
        static const char data[] = "lang\0C\0author\0Dennis Ritchie\0";
        int length = sizeof data - 1;   /* without the NUL the literal adds */
        if (size >= length)
            memcpy(out, data, length);
        return length;
    }
    // --8<-- [end:write_pairs]
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
