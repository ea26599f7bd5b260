"""Exercise 05_abi_api/convert: an out-of-line ABI module.

convert.c is a small C library that its users receive already built, as a
shared library (libconvert.so, libconvert.dylib or convert.dll). Nobody
compiles anything on their side.

Two files work together:

* convert_build.py (this file) runs once, at build time. Its compile() must
  write _convert_abi.py: a pure-Python module that holds the declarations of
  convert.c's three functions, already parsed. Importing it needs no C compiler
  and parses no C. (The grader runs the build for you, into its cache.)
* convert.py runs at run time: load(path) opens the library file at `path`
  with the ffi of _convert_abi and returns the library.

Your tasks:

1. Here: declare convert.c's three functions, and make set_source() produce
   the pure-Python module _convert_abi instead of compiling C.
2. In convert.py: write load(path).

Grade it:  nox -s grade -- 05_abi_api/convert
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent

ffibuilder = FFI()

# Exactly as convert.c defines them: in ABI mode nothing checks them against the library.
ffibuilder.cdef("""
    float c_to_f(float celsius);
    double km_to_miles(double km);
    int inches_to_mm(int inches);
""")

# None instead of C source: ABI mode. compile() writes _convert_abi.py, and no C compiler runs.
ffibuilder.set_source("_convert_abi", None)

if __name__ == "__main__":
    ffibuilder.compile(tmpdir=str(HERE), verbose=True)
