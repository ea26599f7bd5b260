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

ffibuilder.cdef("""
    /* No #include: cdef() has no preprocessor, and knows size_t without one. */

    typedef float celsius_t;

    enum trend { TREND_FALLING = -1, TREND_STEADY, TREND_RISING };

    /* No WEATHER_API: cdef() cannot expand macros, and the prototype is complete without it. */
    double c_to_f(celsius_t celsius);
    enum trend trend_of(celsius_t before, celsius_t after);
    int readings_needed(int days);
    /* The second declaration of c_to_f is gone: cffi refuses a function declared twice. */

    /* The prototype only: the body stays in weather.h, where the compiler reads it. */
    int is_frost(celsius_t celsius);

    /* cdef()'s #define takes an integer literal or `...`: a typed constant for the double, `...` for the sum. */
    static const double ABSOLUTE_ZERO_C;
    #define READINGS_PER_WEEK ...
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
