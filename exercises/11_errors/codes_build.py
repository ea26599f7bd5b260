"""Exercise 11_errors/codes, build time: a C library with its own error codes.

Nothing to change in this file: your work is in codes.py.

A small key-value store. Its functions do not use errno: they return a status,
KV_OK (0) or a negative KV_E... code, and kv_strerror() gives the message for
a status. kv_open() returns the store itself, so it reports its status through
an out-parameter instead; kv_get() returns a status and writes the value it
found through another one.

A test hook, kv_fail_next(), makes the next kv_open, kv_put, kv_get or
kv_delete report the status you choose: the grader uses it for KV_ENOMEM and
for codes that a newer version of the library might add. Your code never
calls it.

Grade it:  nox -s grade -- 11_errors/codes
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    enum kv_status {
        KV_OK = 0,
        KV_ENOTFOUND = -1,   /* no such key */
        KV_EFULL = -2,       /* the store holds `capacity` keys already */
        KV_EINVAL = -3,      /* empty key, key over KV_KEY_MAX bytes, capacity out of range */
        KV_ENOMEM = -4       /* out of memory */
    };
    #define KV_KEY_MAX 31

    typedef struct kv_store kv_store;      /* opaque */

    /* A new store for up to `capacity` keys (1 to 1000). On failure: NULL,
       and the status in *status. */
    kv_store *kv_open(int capacity, int *status);
    void kv_close(kv_store *store);        /* kv_close(NULL) does nothing */

    int kv_put(kv_store *store, const char *key, int value);   /* a status */
    int kv_get(kv_store *store, const char *key, int *value);  /* a status; KV_OK: the value is in *value */
    int kv_delete(kv_store *store, const char *key);           /* a status */

    const char *kv_strerror(int status);   /* a message for any status, known or not */

    /* For the grader: the test hook, and how many stores are open. */
    void kv_fail_next(int status);         /* kv_fail_next(KV_OK) cancels it */
    int kv_open_stores(void);
""")

ffibuilder.set_source(
    "_codes_cffi",
    r"""
    #include <stdlib.h>
    #include <string.h>

    enum kv_status { KV_OK = 0, KV_ENOTFOUND = -1, KV_EFULL = -2, KV_EINVAL = -3, KV_ENOMEM = -4 };
    #define KV_KEY_MAX 31

    struct entry { char key[KV_KEY_MAX + 1]; int value; };
    typedef struct kv_store { int capacity, count; struct entry *entries; } kv_store;

    static int fail_status = KV_OK, fail_armed = 0, open_stores = 0;

    void kv_fail_next(int status) { fail_status = status; fail_armed = status != KV_OK; }
    int kv_open_stores(void) { return open_stores; }

    static int injected(int *status)
    {
        if (!fail_armed)
            return 0;
        fail_armed = 0;
        *status = fail_status;
        return 1;
    }

    const char *kv_strerror(int status)
    {
        switch (status) {
        case KV_OK:        return "success";
        case KV_ENOTFOUND: return "no such key";
        case KV_EFULL:     return "the store is full";
        case KV_EINVAL:    return "invalid argument";
        case KV_ENOMEM:    return "out of memory";
        default:           return "unknown kv status";
        }
    }

    kv_store *kv_open(int capacity, int *status)
    {
        kv_store *s;
        if (injected(status))
            return NULL;
        if (capacity < 1 || capacity > 1000) {
            *status = KV_EINVAL;
            return NULL;
        }
        s = malloc(sizeof *s);
        if (s != NULL)
            s->entries = calloc((size_t)capacity, sizeof *s->entries);
        if (s == NULL || s->entries == NULL) {
            free(s);
            *status = KV_ENOMEM;
            return NULL;
        }
        s->capacity = capacity;
        s->count = 0;
        open_stores++;
        *status = KV_OK;
        return s;
    }

    void kv_close(kv_store *s)
    {
        if (s == NULL)
            return;
        free(s->entries);
        free(s);
        open_stores--;
    }

    static int valid_key(const char *key)
    {
        size_t n = key == NULL ? 0 : strlen(key);
        return n > 0 && n <= KV_KEY_MAX;
    }

    static int find(const kv_store *s, const char *key)
    {
        for (int i = 0; i < s->count; i++)
            if (strcmp(s->entries[i].key, key) == 0)
                return i;
        return -1;
    }

    int kv_put(kv_store *s, const char *key, int value)
    {
        int status, i;
        if (injected(&status))
            return status;
        if (s == NULL || !valid_key(key))
            return KV_EINVAL;
        i = find(s, key);
        if (i < 0) {
            if (s->count == s->capacity)
                return KV_EFULL;
            i = s->count++;
            strcpy(s->entries[i].key, key);
        }
        s->entries[i].value = value;
        return KV_OK;
    }

    int kv_get(kv_store *s, const char *key, int *value)
    {
        int status, i;
        if (injected(&status))
            return status;
        if (s == NULL || value == NULL || !valid_key(key))
            return KV_EINVAL;
        i = find(s, key);
        if (i < 0)
            return KV_ENOTFOUND;
        *value = s->entries[i].value;
        return KV_OK;
    }

    int kv_delete(kv_store *s, const char *key)
    {
        int status, i;
        if (injected(&status))
            return status;
        if (s == NULL || !valid_key(key))
            return KV_EINVAL;
        i = find(s, key);
        if (i < 0)
            return KV_ENOTFOUND;
        s->entries[i] = s->entries[--s->count];
        return KV_OK;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
