/* libgreet: a small C library of the project's own, built into libgreet.so.1
   (given: nothing to change here). */
#ifndef GREET_H
#define GREET_H

#include <stddef.h>

/* Writes "Hello, NAME!" into out (at most size bytes, always terminated when
   size > 0); returns the length of the whole greeting, as snprintf does. */
int greet_format(const char *name, char *out, size_t size);

#endif
