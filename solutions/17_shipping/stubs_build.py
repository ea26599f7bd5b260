"""Exercise 17_shipping/stubs, given: compiles _stubs_cffi, the module your stub describes.

Nothing to change here: write _stubs_cffi.pyi next to it.
Grade it:  nox -s grade -- 17_shipping/stubs
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    #define MAX_LABEL 32
    int clamp(int value, int low, int high);
    double mean(const double *values, size_t n);
    size_t count_char(const char *text, char c);
    void reset(void);
""")

ffibuilder.set_source(
    "_stubs_cffi",
    """
    #define MAX_LABEL 32
    static int calls;

    int clamp(int value, int low, int high) {
        calls++;
        return value < low ? low : value > high ? high : value;
    }

    double mean(const double *values, size_t n) {
        double sum = 0.0;
        for (size_t i = 0; i < n; i++)
            sum += values[i];
        return n ? sum / n : 0.0;
    }

    size_t count_char(const char *text, char c) {
        size_t count = 0;
        for (; *text; text++)
            count += *text == c;
        return count;
    }

    void reset(void) {
        calls = 0;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
