/* kv.h: a tiny in-memory key/value store, written for lesson 14 of cffi-course.

   Keys are non-empty C strings (NUL-terminated, UTF-8 is fine) of at most
   KV_MAX_KEY bytes. Values are any bytes, NULs included: a pointer and a
   length. The store keeps its keys in the order they were first put, and
   holds at most `capacity` keys, chosen when it is opened.

   Every function that can fail returns a status (enum kv_status): KV_OK,
   or a code that kv_strerror() describes. Nothing is ever printed.

   Ownership: kv_open() makes a store that kv_close() destroys, once.
   kv_iter_new() makes an iterator that kv_iter_free() destroys, once.
   Pointers the store hands out (keys from kv_iter_next, keys and values
   given to a kv_foreach callback) stay valid only until the store changes:
   copy what you need at once. */

#ifndef KV_H
#define KV_H

#include <stddef.h>

/* ---- the declarations below are plain C declarations ---- */

#define KV_MAX_KEY 255              /* bytes in a key, not counting its NUL */
#define KV_MAX_CAPACITY 1000000     /* the most keys a store can be opened for */

enum kv_status {
    KV_OK = 0,
    KV_DONE = 1,        /* kv_iter_next: no more keys (not an error) */
    KV_ESTOPPED = 2,    /* kv_foreach: the callback asked to stop (not an error) */
    KV_ENOTFOUND = 3,   /* no such key */
    KV_EKEY = 4,        /* the key is NULL, empty, or longer than KV_MAX_KEY bytes */
    KV_EFULL = 5,       /* the store holds `capacity` keys already */
    KV_ERANGE = 6,      /* kv_get: the buffer is too small; *needed says how big */
    KV_ECHANGED = 7,    /* kv_iter_next: a key was added or deleted since kv_iter_new */
    KV_EBUSY = 8,       /* the store cannot change during its own kv_foreach */
    KV_EINVAL = 9,      /* a bad argument: NULL, a closed store, a capacity out of range */
    KV_ENOMEM = 10      /* out of memory */
};

typedef struct kv_store kv_store;   /* opaque: only kv.c sees inside */
typedef struct kv_iter kv_iter;     /* opaque */

/* Called by kv_foreach for each entry, in order. Return 0 to go on,
   anything else to stop. `value` points to `len` bytes (not NUL-terminated). */
typedef int (*kv_visit_fn)(const char *key, const char *value, size_t len, void *userdata);

/* Opens an empty store for up to `capacity` keys (1..KV_MAX_CAPACITY) and
   sets *out to it. On failure *out is set to NULL. */
int kv_open(size_t capacity, kv_store **out);

/* Destroys the store: kv_close(NULL) does nothing. KV_EBUSY during the
   store's own kv_foreach (the store is not closed then). After kv_close,
   the only thing an iterator of that store is good for is kv_iter_free. */
int kv_close(kv_store *s);

/* The number of keys in the store. */
size_t kv_count(const kv_store *s);

/* Copies `len` bytes from `value` under `key`, replacing the key's old value
   (it keeps its place in the order). KV_EFULL if the key is new and the store
   is full. */
int kv_put(kv_store *s, const char *key, const char *value, size_t len);

/* The two-call protocol: sets *needed (if needed is not NULL) to the value's
   length, then copies the value into buf when it fits in `size` bytes.
   KV_ERANGE if it does not (buf is left alone): call again with a buffer of
   *needed bytes. buf may be NULL when size is 0. */
int kv_get(const kv_store *s, const char *key, char *buf, size_t size, size_t *needed);

/* Removes the key and its value. */
int kv_delete(kv_store *s, const char *key);

/* An iterator over the keys, in order. kv_iter_next sets *key to the next
   key and returns KV_OK, or returns KV_DONE at the end, or KV_ECHANGED when
   a key was added or deleted since kv_iter_new (replacing a value is fine).
   Free every iterator with kv_iter_free, whether it reached the end or not. */
int kv_iter_new(kv_store *s, kv_iter **out);
int kv_iter_next(kv_iter *it, const char **key);
void kv_iter_free(kv_iter *it);

/* Calls visit(key, value, len, userdata) for each entry, in order. Returns
   KV_OK after the last one, or KV_ESTOPPED as soon as visit returns non-zero.
   While it runs, the store cannot change: kv_put, kv_delete and kv_close
   return KV_EBUSY. */
int kv_foreach(kv_store *s, kv_visit_fn visit, void *userdata);

/* A sentence describing a status code (a static string: never free it). */
const char *kv_strerror(int code);

/* Accounting, for tests: stores and iterators alive now, and how many calls
   were given a NULL, closed or freed store or iterator (a real library
   would crash or corrupt memory there; this one counts them instead). */
int kv_live_stores(void);
int kv_live_iters(void);
int kv_misuses(void);

/* ---- end of the declarations ---- */

#endif /* KV_H */
