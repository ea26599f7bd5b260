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

ffibuilder.cdef("""
    /* TODO: declare the three functions of convert.c. */
""")

# TODO: make _convert_abi an out-of-line ABI module: compile() must write a pure-Python module, with no C compiler.
ffibuilder.set_source("_convert_abi", "")

if __name__ == "__main__":
    ffibuilder.compile(tmpdir=str(HERE), verbose=True)
