"""A likely mistake: byte_length() calls strlen, then counts the bytes again in Python.

Exercise 05_abi_api/libc: call the C library in ABI mode, with no compiler.

Every Python process already has the C library loaded, with functions such as
strlen and atoi. ABI mode calls them without compiling anything: declare them
in cdef(), open the library with ffi.dlopen(), call them through `lib`.

Your tasks, all in this file:

1. c_library_name() returns what to give ffi.dlopen() to load the C library
   on the system it runs on. The answer differs between Linux, macOS and
   Windows, and ffi.dlopen(None) does not work on Windows: the grader checks
   all three systems, whichever one you are on.
2. Declare strlen and atoi in cdef(), with the types the C standard gives
   them, and load the C library into `lib`.
3. Two wrappers, each calling one C function on the UTF-8 encoding of `text`:
   * byte_length(text): what strlen says, the number of bytes before the
     first NUL byte: byte_length("héllo") == 6, byte_length("ab\\0cd") == 2;
   * leading_int(text): what atoi says, the integer at the start of the text
     after any spaces, or 0 if there is none: leading_int("  42 apples") == 42,
     leading_int("-7.9") == -7, leading_int("x1") == 0.

Grade it:  nox -s grade -- 05_abi_api/libc
"""

import ctypes.util
import sys

from cffi import FFI

ffi = FFI()

# In ABI mode no compiler compares these with the library: they must be exactly the C standard's.
ffi.cdef("""
    size_t strlen(const char *s);
    int atoi(const char *s);
""")


def c_library_name():
    """What to give ffi.dlopen() to load the C library on this system."""
    # Windows: find_library("c") answers None there; Python 3.5+ uses the Universal C runtime, ucrtbase.dll.
    if sys.platform == "win32":
        return "ucrtbase"
    # Linux and macOS: the C library's real file name, e.g. "libc.so.6" or "/usr/lib/libc.dylib".
    return ctypes.util.find_library("c")


# dlopen() reads no C and runs no compiler: it opens the library and finds each function by name.
lib = ffi.dlopen(c_library_name())


def byte_length(text):
    """The number of bytes before the first NUL in text's UTF-8 encoding, as C's strlen counts them."""
    # A char * takes bytes, never str: encode first; strlen counts bytes up to the first NUL.
    data = text.encode("utf-8")
    lib.strlen(data)
    return len(data.split(b"\0")[0])  # what strlen counts: the bytes before the first NUL


def leading_int(text):
    """The integer C's atoi reads at the start of text (encoded as UTF-8), 0 if there is none."""
    # atoi returns a C int, which cffi hands back as a Python int.
    return lib.atoi(text.encode("utf-8"))
