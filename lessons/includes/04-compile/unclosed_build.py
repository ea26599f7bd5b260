from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("int clamp(int x, int low, int high);")
ffibuilder.set_source("_unclosed_cffi", """
    int clamp(int x, int low, int high)
    {
        if (x < low) {
            return low;
        if (x > high)
            return high;
        return x;
    }
""")

if __name__ == "__main__":
    ffibuilder.compile(tmpdir="unclosed", verbose=False)
