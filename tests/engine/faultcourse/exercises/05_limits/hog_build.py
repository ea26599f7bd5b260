"""Fault: grab() allocates 64 MB blocks until malloc() says no."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("long grab(void);")
ffibuilder.set_source(
    "_hog_cffi",
    """
    #include <stdlib.h>
    #define MAX_BLOCKS 200000   /* 12 TB: only a memory limit stops this */
    long grab(void) {
        static void *blocks[MAX_BLOCKS];
        long n = 0;
        while (n < MAX_BLOCKS && (blocks[n] = malloc((size_t)64 << 20)) != NULL)
            n++;
        for (long i = 0; i < n; i++)
            free(blocks[i]);
        return n;
    }
    """,
)
