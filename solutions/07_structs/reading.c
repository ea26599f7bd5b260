/* reading.c: the sensor library (given: nothing to change here). */
#include <string.h>

#include "reading.h"

static long next_sequence = 1;

void reading_init(struct reading *r, int channel)
{
    memset(r, 0, sizeof *r);
    r->channel = channel;
}

long reading_set(struct reading *r, double value, const char *unit)
{
    r->value = value;
    strncpy(r->unit, unit, sizeof r->unit - 1);
    r->unit[sizeof r->unit - 1] = '\0';
    r->flags |= READING_VALID;
    r->sequence = next_sequence++;
    return r->sequence;
}
