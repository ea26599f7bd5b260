#include "tally.h"

size_t tally_count(const unsigned char *data, size_t length, unsigned char value)
{
    size_t found = 0;
    for (size_t i = 0; i < length; i++)
        if (data[i] == value)
            found++;
    return found;
}
