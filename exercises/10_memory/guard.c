/* guard.c: the checked malloc and free of guard.h. Given: nothing to change. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"

/* guard.h renames malloc and free for the exercise's code; here they are the real ones. */
#undef malloc
#undef calloc
#undef realloc
#undef free

static int live = 0, overruns = 0, bad_frees = 0, fail_next = 0;

int guard_live(void) { return live; }
int guard_overruns(void) { return overruns; }
int guard_bad_frees(void) { return bad_frees; }
void guard_fail_next(int n) { fail_next = n; }

int guard_should_fail(void)
{
    if (fail_next > 0) {
        fail_next--;
        return 1;
    }
    return 0;
}

#ifdef COURSE_GUARD_ASAN

/* AddressSanitizer checks every access itself: only the failure switch is kept
   (guard_should_fail, in the macros of guard.h). */
int guard_checking(void) { return 0; }
void *guard_malloc(size_t size) { return guard_should_fail() ? NULL : malloc(size); }
void *guard_calloc(size_t count, size_t size) { return guard_should_fail() ? NULL : calloc(count, size); }
void *guard_realloc(void *p, size_t size) { return guard_should_fail() ? NULL : realloc(p, size); }
void guard_free(void *p) { free(p); }

#else

#define TAIL 16            /* bytes after each block: 0xFD..., the last one 0 */
#define QUARANTINE 4096    /* freed blocks kept (poisoned) before going back to malloc */
#define MAX_LIVE 16384

struct header { size_t size; size_t magic; };
#define MAGIC ((size_t)0x6775617264UL)   /* "guard" */

static unsigned char *blocks[MAX_LIVE];   /* the user pointers of live blocks */
static unsigned char *quarantine[QUARANTINE];
static int next_quarantined = 0;

int guard_checking(void) { return 1; }

static struct header *head_of(unsigned char *user) { return (struct header *)(user - sizeof(struct header)); }

static int find(const void *p)
{
    for (int i = 0; i < MAX_LIVE; i++)
        if (blocks[i] == p)
            return i;
    return -1;
}

void *guard_malloc(size_t size)
{
    int slot;
    struct header *h;
    unsigned char *user;
    if (guard_should_fail())
        return NULL;
    slot = find(NULL);
    if (slot < 0)
        return NULL;
    h = malloc(sizeof(struct header) + size + TAIL);
    if (h == NULL)
        return NULL;
    h->size = size;
    h->magic = MAGIC;
    user = (unsigned char *)(h + 1);
    memset(user, 0xAA, size);
    memset(user + size, 0xFD, TAIL - 1);
    user[size + TAIL - 1] = 0;
    blocks[slot] = user;
    live++;
    return user;
}

void *guard_calloc(size_t count, size_t size)
{
    unsigned char *p;
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    p = guard_malloc(count * size);
    if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

static int tail_intact(unsigned char *user, size_t size)
{
    for (size_t i = 0; i < TAIL - 1; i++)
        if (user[size + i] != 0xFD)
            return 0;
    return user[size + TAIL - 1] == 0;
}

void guard_free(void *p)
{
    int slot;
    unsigned char *user = p;
    struct header *h;
    if (p == NULL)
        return;
    slot = find(p);
    if (slot < 0) {        /* freed already, or not from malloc: leave it alone */
        bad_frees++;
        return;
    }
    blocks[slot] = NULL;
    live--;
    h = head_of(user);
    if (!tail_intact(user, h->size))
        overruns++;
    memset(user, 0xDD, h->size);
    if (h->size > 0)
        user[h->size - 1] = 0;
    /* Kept aside a while, so that the address is not handed out again at once:
       a second free of it is then always noticed. */
    if (quarantine[next_quarantined] != NULL)
        free(head_of(quarantine[next_quarantined]));
    quarantine[next_quarantined] = user;
    next_quarantined = (next_quarantined + 1) % QUARANTINE;
}

void *guard_realloc(void *p, size_t size)
{
    unsigned char *bigger;
    size_t old;
    if (p == NULL)
        return guard_malloc(size);
    if (find(p) < 0) {
        bad_frees++;
        return NULL;
    }
    bigger = guard_malloc(size);
    if (bigger == NULL)
        return NULL;
    old = head_of(p)->size;
    memcpy(bigger, p, old < size ? old : size);
    guard_free(p);
    return bigger;
}

#endif
