"""Right: other `...` spellings, static const constants, `= ...` enum values, no parameter names."""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

# Given: a function of timer.c that the grader calls to ask C for the real values.
ffibuilder.cdef("""
    double timer_c_value(const char *name);
""")

ffibuilder.cdef("""
    typedef unsigned long long... stamp_t;
    typedef long... ticks_t;
    typedef double... seconds_t;
    static const long TICKS_PER_SECOND;
    static const int TIMER_MAX_SECONDS;
    static const double TIMER_RESOLUTION;
    enum timer_state { TIMER_IDLE = ..., TIMER_RUNNING = ..., TIMER_EXPIRED = ... };
    stamp_t timer_now();
    ticks_t timer_ticks();
    seconds_t timer_seconds(ticks_t);
    enum timer_state timer_check(seconds_t, seconds_t);
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
