/* geom: the library's implementation (see geom.h). */
#include "geom.h"

double geom_triangle_area(double ax, double ay, double bx, double by, double cx, double cy)
{
    double twice = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay);
    return (twice < 0 ? -twice : twice) / 2.0;
}

int geom_quadrant(double x, double y)
{
    if (x == 0.0 || y == 0.0)
        return 0;
    if (y > 0.0)
        return x > 0.0 ? 1 : 2;
    return x < 0.0 ? 3 : 4;
}
