/* measure.c: a tiny C library, built on its own into a shared library
   (libmeasure.so, libmeasure.dylib or measure.dll), not into a Python module. */
#include "measure.h"

int add(int a, int b)
{
    return a + b;
}

double rect_area(double width, double height)
{
    return width * height;
}
