/* measure.h: the header the library's vendor ships with the compiled library. */
int add(int a, int b);
double rect_area(double width, double height);
