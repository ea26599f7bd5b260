#include "palette.h"

static unsigned channel(palette_rgb colour, int shift)
{
    return (colour >> shift) & 0xFFu;
}

palette_rgb palette_mix(palette_rgb a, palette_rgb b, int percent)
{
    palette_rgb mixed = 0;
    int shift;

    if (percent < 0)
        percent = 0;
    if (percent > 100)
        percent = 100;
    for (shift = 0; shift <= 16; shift += 8) {
        unsigned value = (channel(a, shift) * (100u - (unsigned)percent)
                          + channel(b, shift) * (unsigned)percent + 50u) / 100u;
        mixed |= (palette_rgb)value << shift;
    }
    return mixed;
}

int palette_luma(palette_rgb colour)
{
    return (int)((299u * channel(colour, 16) + 587u * channel(colour, 8)
                  + 114u * channel(colour, 0) + 500u) / 1000u);
}
