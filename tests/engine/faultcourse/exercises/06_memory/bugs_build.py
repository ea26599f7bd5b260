"""Memory bugs for the engine's memcheck tests: inline C and a separate .c file."""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent

ffibuilder = FFI()
ffibuilder.cdef("""
    char *copy_short(const char *s);
    void release(char *p);
    int first(const char *p);
    int sum(const int *values, int n);
""")
ffibuilder.set_source("_bugs_cffi", """
#include <stdlib.h>
char *copy_short(const char *s);
void release(char *p) { free(p); }
int first(const char *p) { return p[0]; }
int sum(const int *values, int n)
{
    int total = 0;
    for (int i = 0; i <= n; i++)   /* one element too far */
        total += values[i];
    return total;
}
""", sources=[str(HERE / "bugs.c")])

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
