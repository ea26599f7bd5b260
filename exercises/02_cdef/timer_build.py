"""Exercise 02_cdef/timer: let the C compiler fill the gaps.

timer.h, next to this script, is the header of a small C library (timer.c
is its code). Use both as they are: do not edit them. The set_source() call
below already compiles the library into a module named ``_timer_cffi``.

Complete the cdef() so that Python can use timer.h's three types, its three
constants, its enum with its three values, and its four functions (the fifth,
timer_c_value, is declared for you).

Many of these are not written as plain numbers or standard types: they depend
on the system, on a build option, or on other macros. Do not copy or work out
what they are on your machine: leave it to the C compiler, which knows.

Grade it:  nox -s grade -- 02_cdef/timer
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

# Given: a function of timer.c that the grader calls to ask C for the real values.
ffibuilder.cdef("""
    double timer_c_value(const char *name);
""")

ffibuilder.cdef("""
    /* TODO: declare timer.h's types, constants, enum and functions, letting the compiler fill the gaps. */
""")

# Given: compile timer.c into the module and let the compiler find timer.h
# (lesson 03 explains sources= and include_dirs=).
ffibuilder.set_source(
    "_timer_cffi",
    '#include "timer.h"',
    sources=[str(HERE / "timer.c")],
    include_dirs=[str(HERE)],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
