/* guard.h: malloc and free with checks, for the exercise 10_memory/upper.
 *
 * Given: nothing to change. Included before your C code, it replaces
 * malloc, calloc, realloc and free with versions that notice, on every
 * operating system, what C itself lets pass silently:
 *   - a write past the end of a block (checked when the block is freed),
 *   - a second free of the same block, or a free of memory malloc never gave,
 *   - blocks never freed (a leak), and
 *   - a block whose memory is read after free (it is filled with 0xDD).
 * A new block is filled with 0xAA, not zeros, so a string whose NUL was
 * never written shows up too. The grader reads the counters below.
 *
 * Under AddressSanitizer (nox -s memcheck) the checks are AddressSanitizer's:
 * malloc and free are the real ones, and guard_checking() returns 0.
 */
#ifndef COURSE_GUARD_H
#define COURSE_GUARD_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void *guard_malloc(size_t size);
void *guard_calloc(size_t count, size_t size);
void *guard_realloc(void *p, size_t size);
void guard_free(void *p);

int guard_checking(void);      /* 1: the checks above are on; 0: under AddressSanitizer */
int guard_live(void);          /* blocks allocated and not freed yet */
int guard_overruns(void);      /* freed blocks whose end had been overwritten */
int guard_bad_frees(void);     /* frees of a block freed already, or never allocated */
void guard_fail_next(int n);   /* make the next n allocations fail (return NULL) */

#if !defined(__SANITIZE_ADDRESS__)
#  if defined(__has_feature)
#    if __has_feature(address_sanitizer)
#      define COURSE_GUARD_ASAN 1
#    endif
#  endif
#else
#  define COURSE_GUARD_ASAN 1
#endif

int guard_should_fail(void);   /* for the macros below: 1 while guard_fail_next is counting down */

#ifndef COURSE_GUARD_ASAN
#  define malloc(size) guard_malloc(size)
#  define calloc(count, size) guard_calloc(count, size)
#  define realloc(p, size) guard_realloc(p, size)
#  define free(p) guard_free(p)
#else
/* The real functions, called from your own line (so AddressSanitizer names it),
   except while guard_fail_next() is making allocations fail. */
#  define malloc(size) (guard_should_fail() ? NULL : malloc(size))
#  define calloc(count, size) (guard_should_fail() ? NULL : calloc(count, size))
#  define realloc(p, size) (guard_should_fail() ? NULL : realloc(p, size))
#endif

#endif
