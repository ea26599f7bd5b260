"""Right: other repairs (static inline prototype, initialised static const, the week's count written out)."""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

ffibuilder.cdef("""
    typedef float celsius_t;
    enum trend { TREND_FALLING = -1, TREND_STEADY, TREND_RISING };
    enum trend trend_of(celsius_t before, celsius_t after);
    int readings_needed(int days);
    double c_to_f(celsius_t celsius);
    static inline int is_frost(celsius_t celsius);
    static const double ABSOLUTE_ZERO_C = -273.15;
    #define READINGS_PER_WEEK 168
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
