/* libgreet (given: nothing to change here). The grader builds it as a shared
   library, as your CI would before building the wheels:

       cc -shared -fPIC -Wl,-soname,libgreet.so.1 -o vendor/lib/libgreet.so.1 vendor/greet.c
       ln -s libgreet.so.1 vendor/lib/libgreet.so
*/
#include <stdio.h>

#include "greet.h"

int greet_format(const char *name, char *out, size_t size)
{
    return snprintf(out, size, "Hello, %s!", name);
}
