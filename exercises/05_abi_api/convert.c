/* convert: unit conversions, a small C library shipped already built
 * (libconvert.so, libconvert.dylib or convert.dll).
 *
 * Its three functions:
 *
 *     double c_to_f(double celsius);          degrees Celsius to Fahrenheit
 *     double km_to_miles(double km);          kilometres to miles
 *     int inches_to_mm(int inches);           inches to whole millimetres (rounded down)
 */

double c_to_f(double celsius)
{
    return celsius * 9.0 / 5.0 + 32.0;
}

double km_to_miles(double km)
{
    return km / 1.609344;
}

int inches_to_mm(int inches)
{
    return inches * 254 / 10;
}
