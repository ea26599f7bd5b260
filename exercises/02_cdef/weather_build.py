"""Exercise 02_cdef/weather: repair a cdef() that cffi refuses.

weather.h, next to this script, is the header of a small C library
(weather.c is its code). Use both as they are: do not edit them. Someone
pasted the header into the cdef() below and gave up: cffi refuses it, so
nothing builds. Repair the cdef().

Every name it declares must stay reachable from Python, with its value and
its types: the constants ABSOLUTE_ZERO_C and READINGS_PER_WEEK, the type
celsius_t, the enum trend with its three values, and the functions c_to_f,
trend_of, readings_needed and is_frost.

Work the way you would on a real project: grade, read the error (it names
the line of this file), fix that problem, grade again.

Grade it:  nox -s grade -- 02_cdef/weather
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

# TODO: make cffi accept this cdef(). It has six problems; keep every declaration working.
ffibuilder.cdef("""
    #include <stddef.h>

    typedef float celsius_t;

    enum trend { TREND_FALLING = -1, TREND_STEADY, TREND_RISING };

    WEATHER_API double c_to_f(celsius_t celsius);
    enum trend trend_of(celsius_t before, celsius_t after);
    int readings_needed(int days);
    double c_to_f(celsius_t celsius);

    static inline int is_frost(celsius_t celsius)
    {
        return celsius <= 0.0f;
    }

    #define ABSOLUTE_ZERO_C -273.15
    #define READINGS_PER_WEEK (READINGS_PER_DAY * 7)
""")

# Given: compile weather.c into the module and let the compiler find weather.h
# (lesson 03 explains sources= and include_dirs=).
ffibuilder.set_source(
    "_weather_cffi",
    '#include "weather.h"',
    sources=[str(HERE / "weather.c")],
    include_dirs=[str(HERE)],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
