/* geom: a small geometry library.
 *
 * Its users do not compile it: they get it already built, as one shared
 * library file: libgeom.so (Linux), libgeom.dylib (macOS) or geom.dll (Windows).
 */
#ifndef GEOM_H
#define GEOM_H

/* The area of the triangle with corners (ax, ay), (bx, by) and (cx, cy).
   Never negative, whichever way round the corners go. */
double geom_triangle_area(double ax, double ay, double bx, double by, double cx, double cy);

/* The quadrant of the point (x, y): 1 for (+, +), 2 for (-, +), 3 for (-, -),
   4 for (+, -), and 0 for a point on an axis. */
int geom_quadrant(double x, double y);

#endif
