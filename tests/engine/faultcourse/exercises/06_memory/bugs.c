#include <stdlib.h>
#include <string.h>

/* Copies s with its NUL into a block one byte too small: a heap overflow
   that usually goes unnoticed without a sanitizer. */
char *copy_short(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n);
    if (p != NULL)
        memcpy(p, s, n + 1);
    return p;
}
