"""Another correct solution: a header, a private static helper, one-line strings."""

import cffi

builder = cffi.FFI()
builder.cdef("int add(int a, int b);")
builder.set_source("_hello_cffi", "#include <stddef.h>\nstatic int plus(int a, int b) { return a + b; }\n"
                   "int add(int a, int b) { return plus(a, b); }\n")

if __name__ == "__main__":
    builder.compile()
