/* kv.c: a tiny in-memory key/value store, written for lesson 14 of cffi-course.
   The interface, and what each function promises, is in kv.h.

   The entries live in one array, in the order their keys were first put:
   lookups walk the array (fine for a course; a real store would hash). */

#include <stdlib.h>
#include <string.h>

#include "kv.h"

/* Magic numbers, to tell a live object from a closed or freed one. */
#define STORE_ALIVE 0x4b565354u   /* "KVST" */
#define ITER_ALIVE 0x4b564954u    /* "KVIT" */
#define DEAD 0xdeadu

struct kv_entry {
    char *key;        /* NUL-terminated copy */
    char *value;      /* `len` bytes, a copy (never NULL) */
    size_t len;
};

struct kv_store {
    unsigned magic;
    size_t capacity;            /* the most keys it may hold */
    size_t count;               /* entries in use */
    size_t allocated;           /* entries the array has room for */
    struct kv_entry *entries;
    unsigned long version;      /* +1 whenever a key is added or deleted */
    int busy;                   /* kv_foreach calls running on this store */
};

struct kv_iter {
    unsigned magic;
    kv_store *store;
    size_t next;                /* index of the next entry to hand out */
    unsigned long version;      /* the store's version when the iterator was made */
};

/* Accounting (see kv.h). A closed store or a freed iterator is not handed
   back to free(): only its contents are. Its struct stays, marked DEAD, so
   that a call with the old pointer is caught and counted instead of reading
   freed memory. A real library would free it; this one spends a few bytes
   per object to be checkable. */
static int live_stores = 0, live_iters = 0, misuses = 0;

static int store_ok(const kv_store *s)
{
    if (s != NULL && s->magic == STORE_ALIVE)
        return 1;
    misuses++;
    return 0;
}

static int iter_ok(const kv_iter *it)
{
    if (it != NULL && it->magic == ITER_ALIVE)
        return 1;
    misuses++;
    return 0;
}

/* A key is valid when it is not NULL, not empty, and at most KV_MAX_KEY bytes. */
static int key_ok(const char *key)
{
    size_t n = 0;
    if (key == NULL || key[0] == '\0')
        return 0;
    while (key[n] != '\0') {
        if (++n > KV_MAX_KEY)
            return 0;
    }
    return 1;
}

/* The index of `key`, or s->count when it is not in the store. */
static size_t find(const kv_store *s, const char *key)
{
    size_t i;
    for (i = 0; i < s->count; i++) {
        if (strcmp(s->entries[i].key, key) == 0)
            break;
    }
    return i;
}

/* A copy of n bytes in a new block, with a NUL after them (so a key's copy
   is a C string, and a value's block is never empty); NULL if malloc fails. */
static char *copy_bytes(const char *data, size_t n)
{
    char *p = malloc(n + 1);
    if (p == NULL)
        return NULL;
    if (n > 0)
        memcpy(p, data, n);
    p[n] = '\0';
    return p;
}

int kv_open(size_t capacity, kv_store **out)
{
    kv_store *s;
    if (out == NULL)
        return KV_EINVAL;
    *out = NULL;
    if (capacity == 0 || capacity > KV_MAX_CAPACITY)
        return KV_EINVAL;
    s = malloc(sizeof *s);
    if (s == NULL)
        return KV_ENOMEM;
    s->magic = STORE_ALIVE;
    s->capacity = capacity;
    s->count = 0;
    s->allocated = 0;
    s->entries = NULL;
    s->version = 0;
    s->busy = 0;
    live_stores++;
    *out = s;
    return KV_OK;
}

int kv_close(kv_store *s)
{
    size_t i;
    if (s == NULL)
        return KV_OK;
    if (!store_ok(s))
        return KV_EINVAL;
    if (s->busy)
        return KV_EBUSY;
    for (i = 0; i < s->count; i++) {
        free(s->entries[i].key);
        free(s->entries[i].value);
    }
    free(s->entries);
    s->entries = NULL;
    s->count = s->allocated = 0;
    s->magic = DEAD;           /* the struct itself is kept: see above */
    live_stores--;
    return KV_OK;
}

size_t kv_count(const kv_store *s)
{
    return store_ok(s) ? s->count : 0;
}

int kv_put(kv_store *s, const char *key, const char *value, size_t len)
{
    size_t i;
    char *copy;
    if (!store_ok(s))
        return KV_EINVAL;
    if (!key_ok(key))
        return KV_EKEY;
    if (value == NULL && len > 0)
        return KV_EINVAL;
    if (s->busy)
        return KV_EBUSY;
    i = find(s, key);
    if (i == s->count && s->count == s->capacity)
        return KV_EFULL;
    if (i == s->count && s->count == s->allocated) {
        /* Room for more entries: double the array, up to the capacity. */
        size_t more = s->allocated ? 2 * s->allocated : 8;
        struct kv_entry *bigger;
        if (more > s->capacity)
            more = s->capacity;
        bigger = realloc(s->entries, more * sizeof *bigger);
        if (bigger == NULL)
            return KV_ENOMEM;
        s->entries = bigger;
        s->allocated = more;
    }
    copy = copy_bytes(value, len);
    if (copy == NULL)
        return KV_ENOMEM;
    if (i < s->count) {                     /* a key we have: replace its value */
        free(s->entries[i].value);
    } else {                                /* a new key, at the end */
        char *key_copy = copy_bytes(key, strlen(key));
        if (key_copy == NULL) {
            free(copy);
            return KV_ENOMEM;
        }
        s->entries[i].key = key_copy;
        s->count++;
        s->version++;
    }
    s->entries[i].value = copy;
    s->entries[i].len = len;
    return KV_OK;
}

int kv_get(const kv_store *s, const char *key, char *buf, size_t size, size_t *needed)
{
    size_t i;
    const struct kv_entry *e;
    if (!store_ok(s))
        return KV_EINVAL;
    if (!key_ok(key))
        return KV_EKEY;
    i = find(s, key);
    if (i == s->count)
        return KV_ENOTFOUND;
    e = &s->entries[i];
    if (needed != NULL)
        *needed = e->len;
    if (e->len > size)
        return KV_ERANGE;
    if (e->len > 0) {
        if (buf == NULL)
            return KV_EINVAL;
        memcpy(buf, e->value, e->len);
    }
    return KV_OK;
}

int kv_delete(kv_store *s, const char *key)
{
    size_t i;
    if (!store_ok(s))
        return KV_EINVAL;
    if (!key_ok(key))
        return KV_EKEY;
    if (s->busy)
        return KV_EBUSY;
    i = find(s, key);
    if (i == s->count)
        return KV_ENOTFOUND;
    free(s->entries[i].key);
    free(s->entries[i].value);
    /* Close the gap, so that the others keep their order. */
    memmove(&s->entries[i], &s->entries[i + 1], (s->count - i - 1) * sizeof s->entries[0]);
    s->count--;
    s->version++;
    return KV_OK;
}

int kv_iter_new(kv_store *s, kv_iter **out)
{
    kv_iter *it;
    if (out == NULL)
        return KV_EINVAL;
    *out = NULL;
    if (!store_ok(s))
        return KV_EINVAL;
    it = malloc(sizeof *it);
    if (it == NULL)
        return KV_ENOMEM;
    it->magic = ITER_ALIVE;
    it->store = s;
    it->next = 0;
    it->version = s->version;
    live_iters++;
    *out = it;
    return KV_OK;
}

int kv_iter_next(kv_iter *it, const char **key)
{
    kv_store *s;
    if (key != NULL)
        *key = NULL;
    if (!iter_ok(it))
        return KV_EINVAL;
    s = it->store;
    if (!store_ok(s))            /* the store was closed: only kv_iter_free is allowed */
        return KV_EINVAL;
    if (key == NULL)
        return KV_EINVAL;
    if (it->version != s->version)
        return KV_ECHANGED;
    if (it->next >= s->count)
        return KV_DONE;
    *key = s->entries[it->next++].key;
    return KV_OK;
}

void kv_iter_free(kv_iter *it)
{
    if (it == NULL)
        return;
    if (!iter_ok(it))            /* freed already */
        return;
    it->magic = DEAD;            /* the struct itself is kept: see above */
    it->store = NULL;
    live_iters--;
}

int kv_foreach(kv_store *s, kv_visit_fn visit, void *userdata)
{
    size_t i;
    int status = KV_OK;
    if (!store_ok(s))
        return KV_EINVAL;
    if (visit == NULL)
        return KV_EINVAL;
    s->busy++;                   /* no kv_put, kv_delete or kv_close until we are done */
    for (i = 0; i < s->count; i++) {
        const struct kv_entry *e = &s->entries[i];
        if (visit(e->key, e->value, e->len, userdata) != 0) {
            status = KV_ESTOPPED;
            break;
        }
    }
    s->busy--;
    return status;
}

const char *kv_strerror(int code)
{
    switch (code) {
    case KV_OK: return "success";
    case KV_DONE: return "no more keys";
    case KV_ESTOPPED: return "stopped by the callback";
    case KV_ENOTFOUND: return "no such key";
    case KV_EKEY: return "invalid key (empty, or longer than KV_MAX_KEY bytes)";
    case KV_EFULL: return "the store is full";
    case KV_ERANGE: return "the buffer is too small";
    case KV_ECHANGED: return "the store changed during iteration";
    case KV_EBUSY: return "the store cannot change while kv_foreach runs";
    case KV_EINVAL: return "invalid argument";
    case KV_ENOMEM: return "out of memory";
    default: return "unknown status code";
    }
}

int kv_live_stores(void) { return live_stores; }
int kv_live_iters(void) { return live_iters; }
int kv_misuses(void) { return misuses; }
