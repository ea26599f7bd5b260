/* palette: colours packed as 0xRRGGBB, mixed and measured in C. */
#ifndef PALETTE_H
#define PALETTE_H

#include <stdint.h>

typedef uint32_t palette_rgb;

/* A mix of a and b: `percent` percent of b (0 gives a, 100 gives b). */
palette_rgb palette_mix(palette_rgb a, palette_rgb b, int percent);

/* The perceived brightness of a colour, from 0 (black) to 255 (white). */
int palette_luma(palette_rgb colour);

#endif
