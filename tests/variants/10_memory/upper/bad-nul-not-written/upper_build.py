"""Exercise 10_memory/upper, build time: C functions that return new memory (solution).

The bodies of dup_upper and repeat_join, in C. Each
returns a string in memory it got from malloc, which the caller gives back
with release(); each returns NULL when malloc does, so that Python can raise
MemoryError.

guard.h, included first, swaps in a malloc and a free that notice an
overrun, a double free or a leak, and tell the grader (see guard.h).
Going further: `nox -s memcheck -- 10_memory/upper` builds this C under
AddressSanitizer, which stops at the very line of a bad access.

Grade it:  nox -s grade -- 10_memory/upper
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent

ffibuilder = FFI()

ffibuilder.cdef("""
    char *dup_upper(const char *s);
    char *repeat_join(const char *s, int n, char sep);
    void release(char *p);

    /* From guard.h, for the grader. */
    int guard_checking(void);
    int guard_live(void);
    int guard_overruns(void);
    int guard_bad_frees(void);
    void guard_fail_next(int n);
""")

ffibuilder.set_source(
    "_upper_cffi",
    r"""
#include "guard.h"

/* A new copy of s with its ASCII letters a-z upper-cased (other bytes as they are).
   NULL if malloc fails. */
char *dup_upper(const char *s)
{
    size_t n = strlen(s);
    char *copy = malloc(n + 1);          /* + 1: the NUL */
    if (copy == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        copy[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 'a' + 'A') : s[i];
    return copy;
}

/* n copies of s, with the character sep between two copies:
   repeat_join("ab", 3, '-') is "ab-ab-ab"; n <= 0 gives "". NULL if malloc fails. */
char *repeat_join(const char *s, int n, char sep)
{
    size_t len = strlen(s), total, at = 0;
    char *out;
    if (n < 0)
        n = 0;
    /* n copies, n - 1 separators, one NUL */
    total = len * (size_t)n + (n > 0 ? (size_t)n - 1 : 0) + 1;
    out = malloc(total);
    if (out == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        if (i > 0)
            out[at++] = sep;
        memcpy(out + at, s, len);
        at += len;
    }
    out[at] = '\0';
    return out;
}

void release(char *p)
{
    free(p);
}
""",
    sources=[str(HERE / "guard.c")],
    include_dirs=[str(HERE)],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
