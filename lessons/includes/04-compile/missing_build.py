from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("""
    int twice(int x);
    int thrice(int x);
""")
ffibuilder.set_source("_missing_cffi", """
    int twice(int x)
    {
        return 2 * x;
    }
""")

if __name__ == "__main__":
    ffibuilder.compile(tmpdir="missing", verbose=False)
