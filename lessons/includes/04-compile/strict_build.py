import sys

from cffi import FFI

# gcc and clang: a call to an undeclared function is an error, not a warning.
# (MSVC has its own flags, and refuses the missing function when it links.)
STRICT = [] if sys.platform == "win32" else ["-Werror=implicit-function-declaration"]

ffibuilder = FFI()
ffibuilder.cdef("""
    int twice(int x);
    int thrice(int x);
""")
ffibuilder.set_source("_strict_cffi", """
    int twice(int x)
    {
        return 2 * x;
    }
""", extra_compile_args=STRICT)

if __name__ == "__main__":
    ffibuilder.compile(tmpdir="strict", verbose=False)
