/* weather.h: a small weather-station library (use it as it is: do not edit). */

#ifndef WEATHER_H
#define WEATHER_H

#include <stddef.h>

/* Marks the functions the library exports (on some systems it expands to
   a compiler-specific keyword; here, to nothing). */
#define WEATHER_API

#define ABSOLUTE_ZERO_C -273.15                     /* degrees Celsius */
#define READINGS_PER_DAY 24
#define READINGS_PER_WEEK (READINGS_PER_DAY * 7)

typedef float celsius_t;

enum trend { TREND_FALLING = -1, TREND_STEADY, TREND_RISING };

/* Degrees Celsius to degrees Fahrenheit. */
WEATHER_API double c_to_f(celsius_t celsius);

/* Whether the temperature went down, stayed within half a degree, or went up. */
WEATHER_API enum trend trend_of(celsius_t before, celsius_t after);

/* How many readings `days` days of measurements make. */
WEATHER_API int readings_needed(int days);

/* 1 if water freezes at this temperature, else 0. */
static inline int is_frost(celsius_t celsius)
{
    return celsius <= 0.0f;
}

#endif /* WEATHER_H */
