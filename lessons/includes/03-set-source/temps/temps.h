/* temps.h: temperature conversions, a tiny C library.
 *
 * Compile-time option TEMPS_STRICT: when it is defined, a temperature below
 * absolute zero (-273.15 degrees Celsius) converts to NAN, "not a number",
 * instead of to a number that cannot exist.
 */
#ifndef TEMPS_H
#define TEMPS_H

double c_to_f(double celsius);
double f_to_c(double fahrenheit);

#endif /* TEMPS_H */
