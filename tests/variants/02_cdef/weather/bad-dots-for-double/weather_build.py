"""Wrong: `#define ... ...` for a double (C compile error: #define is for integers)."""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

ffibuilder.cdef("""
    /* No #include: cdef() has no preprocessor (and knows size_t without a header). */

    typedef float celsius_t;

    enum trend { TREND_FALLING = -1, TREND_STEADY, TREND_RISING };

    /* No WEATHER_API: cdef() cannot expand macros, and the prototype is complete without it. */
    double c_to_f(celsius_t celsius);
    enum trend trend_of(celsius_t before, celsius_t after);
    int readings_needed(int days);
    /* The second declaration of c_to_f is gone: cffi refuses a function declared twice. */

    /* The prototype only: the body stays in weather.h, where the compiler reads it. */
    int is_frost(celsius_t celsius);

    /* A #define in cdef() takes an integer literal or `...`: the double becomes a typed
       constant, and the expression is left to the C compiler. */
    #define ABSOLUTE_ZERO_C ...
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
