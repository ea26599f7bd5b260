"""Fault: a C syntax error in the inline source (line 14: no semicolon)."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("int add(int a, int b);")
ffibuilder.set_source(
    "_broken_cffi",
    """
    #include <stdio.h>

    int add(int a, int b) {
        int sum = a + b
        return sum;
    }
    """,
)
