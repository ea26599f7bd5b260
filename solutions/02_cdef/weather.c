/* weather.c: the implementation of weather.h (use it as it is: do not edit). */

#include "weather.h"

double c_to_f(celsius_t celsius)
{
    return celsius * 9.0 / 5.0 + 32.0;
}

enum trend trend_of(celsius_t before, celsius_t after)
{
    if (after > before + 0.5f)
        return TREND_RISING;
    if (after < before - 0.5f)
        return TREND_FALLING;
    return TREND_STEADY;
}

int readings_needed(int days)
{
    return days * READINGS_PER_DAY;
}
