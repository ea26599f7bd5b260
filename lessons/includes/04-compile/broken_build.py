from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("int twice(int x);")
ffibuilder.set_source("_broken_cffi", """
    int twice(int x)
    {
        return 2 * x
    }
""")

if __name__ == "__main__":
    ffibuilder.compile(tmpdir="broken", verbose=False)
