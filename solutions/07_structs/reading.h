/* reading.h: one measurement from a sensor (given: nothing to change here). */
#ifndef READING_H
#define READING_H

struct reading_private;              /* the library's own data: never declared */

struct reading {
    unsigned char flags;             /* READING_* bits, for the library */
    long sequence;                   /* 4 bytes on Windows, 8 on Linux and macOS */
    int channel;
    double value;
    char unit[6];                    /* a C string: "degC", "%RH", "hPa" */
    struct reading_private *priv;
};

#define READING_VALID 1

/* Starts a reading on the given channel: every other field is cleared. */
void reading_init(struct reading *r, int channel);

/* Records a measurement. The unit is cut to 5 bytes. Returns the reading's
   new sequence number. */
long reading_set(struct reading *r, double value, const char *unit);

#endif
