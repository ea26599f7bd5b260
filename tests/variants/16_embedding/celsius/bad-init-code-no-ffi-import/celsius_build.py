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


    ABSOLUTE_ZERO = -273.15


    def _write(error, size, message):
        # As much of the message as fits in size - 1 bytes, whole characters, then the NUL.
        data = message.encode("utf-8")[:size - 1].decode("utf-8", "ignore").encode("utf-8")
        ffi.memmove(error, data + b"\\0", len(data) + 1)


    def _failed(exc_type, exc, tb):
        # Any exception that leaves parse_celsius, the ones we did not foresee too: C gets -1
        # (error=-1 below) and the message. The arguments are in the traceback's frame.
        args = tb.tb_frame.f_locals
        _write(args["error"], args["size"], f"{exc_type.__name__}: {exc}")


    @ffi.def_extern(error=-1, onerror=_failed)
    def parse_celsius(text, out, error, size):
        value = float(ffi.string(text).decode("utf-8"))
        if not math.isfinite(value):
            raise ValueError(f"not a finite temperature: {value}")
        if value < ABSOLUTE_ZERO:
            raise ValueError(f"{value} is below absolute zero ({ABSOLUTE_ZERO})")
        out[0] = value
        _write(error, size, "")
        return 0
""")

if __name__ == "__main__":
    ffibuilder.compile(target="libcelsius.*", verbose=True)
