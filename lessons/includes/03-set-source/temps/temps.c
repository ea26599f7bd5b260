/* temps.c: the code of the functions declared in temps.h. */
#include <math.h>   /* NAN: a constant, no maths library needed */
#include "temps.h"

/* Private to this file: static, and not in temps.h. */
static double checked(double celsius, double result)
{
#ifdef TEMPS_STRICT
    if (celsius < -273.15)
        return NAN;
#endif
    return result;
}

double c_to_f(double celsius)
{
    return checked(celsius, celsius * 9.0 / 5.0 + 32.0);
}

double f_to_c(double fahrenheit)
{
    double celsius = (fahrenheit - 32.0) * 5.0 / 9.0;
    return checked(celsius, celsius);
}
