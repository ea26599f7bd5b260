"""Wrong: ticks_t declared as int, too small for clock_t here."""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

# Given: a function of timer.c that the grader calls to ask C for the real values.
ffibuilder.cdef("""
    double timer_c_value(const char *name);
""")

ffibuilder.cdef("""
    /* time_t and clock_t are integers whose size and sign vary between systems, and
       seconds_t is float or double depending on a build option: the compiler picks. */
    typedef int... stamp_t;
    typedef int ticks_t;
    typedef float... seconds_t;

    /* Their values come from other macros: the compiler computes them. #define takes
       integers only, so the double is declared as a typed constant. */
    #define TICKS_PER_SECOND ...
    #define TIMER_MAX_SECONDS ...
    static const double TIMER_RESOLUTION;

    /* The values are expressions over TIMER_STATE_BASE, which cdef() cannot evaluate. */
    enum timer_state { TIMER_IDLE, TIMER_RUNNING, TIMER_EXPIRED, ... };

    stamp_t timer_now(void);
    ticks_t timer_ticks(void);
    seconds_t timer_seconds(ticks_t ticks);
    enum timer_state timer_check(seconds_t elapsed, seconds_t limit);
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
