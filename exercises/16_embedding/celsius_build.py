"""Build libcelsius: a C library, written in Python, that never lets an exception reach C (lesson 16).

Run `python celsius_build.py`: it writes libcelsius.so (.dylib, .dll) here."""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.embedding_api("""
    int parse_celsius(const char *text, double *out, char *error, int size);
""")

ffibuilder.set_source("celsius", "")

ffibuilder.embedding_init_code("""
    import math

    from celsius import ffi

    ABSOLUTE_ZERO = -273.15


    # TODO: whatever exception leaves parse_celsius, C must get -1, its *out untouched,
    # and "ExceptionName: message" in error (at most size - 1 bytes, then a NUL).
    # On success, error gets the empty string.
    @ffi.def_extern()
    def parse_celsius(text, out, error, size):
        value = float(ffi.string(text).decode("utf-8"))
        if not math.isfinite(value):
            raise ValueError(f"not a finite temperature: {value}")
        if value < ABSOLUTE_ZERO:
            raise ValueError(f"{value} is below absolute zero ({ABSOLUTE_ZERO})")
        out[0] = value
        return 0
""")

if __name__ == "__main__":
    ffibuilder.compile(target="libcelsius.*", verbose=True)
