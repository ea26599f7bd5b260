/* color.h: 24-bit RGB colours, packed in an unsigned int as 0xRRGGBB.
 *
 * A small C library that comes with exercise 03_set_source/color: use it as
 * it is, do not edit it.
 *
 * Compile-time option COLOR_SATURATE: when it is defined, rgb_pack() clamps
 * each component into 0..255 (300 becomes 255, -5 becomes 0). When it is not
 * defined, an out-of-range component wraps around: only its lowest 8 bits
 * are kept (300 becomes 44, -5 becomes 251).
 */
#ifndef COLOR_H
#define COLOR_H

/* Pack three components, 0..255 each, into 0xRRGGBB. */
unsigned int rgb_pack(int red, int green, int blue);

/* How bright a colour looks, 0..255: the components weighted as the eye sees
   them (29.9% red, 58.7% green, 11.4% blue), rounded to the nearest integer. */
int rgb_gray(unsigned int color);

/* The colour halfway between a and b, component by component (rounded down). */
unsigned int rgb_mix(unsigned int a, unsigned int b);

#endif /* COLOR_H */
