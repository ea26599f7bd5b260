#ifndef TALLY_H
#define TALLY_H

#include <stddef.h>

/* How many of the first `length` bytes of `data` are equal to `value`. */
size_t tally_count(const unsigned char *data, size_t length, unsigned char value);

#endif
