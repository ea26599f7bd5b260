"""Exercise 14_capstone/kvstore, build time: compile kv.c into ``_kvstore_cffi`` (solution).

kv.h and kv.c, next to this script, are the C library (use them as they
are). The cdef below is kv.h's declarations, copied without the
preprocessor lines that cdef() cannot read. The C source #includes the real
header, so the compiler sees its declarations next to the code cffi
generates from this copy, and complains where they disagree.

Grade it:  nox -s grade -- 14_capstone
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

ffibuilder.cdef("""
    /* From kv.h. `...`: the C compiler gives the value, so it cannot drift from the header. */
    #define KV_MAX_KEY ...
    #define KV_MAX_CAPACITY ...

    enum kv_status {
        KV_OK = 0, KV_DONE = 1, KV_ESTOPPED = 2, KV_ENOTFOUND = 3, KV_EKEY = 4, KV_EFULL = 5,
        KV_ERANGE = 6, KV_ECHANGED = 7, KV_EBUSY = 8, KV_EINVAL = 9, KV_ENOMEM = 10
    };

    typedef struct kv_store kv_store;
    typedef struct kv_iter kv_iter;
    typedef int (*kv_visit_fn)(const char *key, const char *value, size_t len, void *userdata);

    int kv_open(size_t capacity, kv_store **out);
    int kv_close(kv_store *s);
    size_t kv_count(const kv_store *s);
    int kv_put(kv_store *s, const char *key, const char *value, size_t len);
    int kv_get(const kv_store *s, const char *key, char *buf, size_t size, size_t *needed);
    int kv_delete(kv_store *s, const char *key);

    int kv_iter_new(kv_store *s, kv_iter **out);
    int kv_iter_next(kv_iter *it, const char **key);
    void kv_iter_free(kv_iter *it);

    int kv_foreach(kv_store *s, kv_visit_fn visit, void *userdata);
    const char *kv_strerror(int code);

    /* Accounting, read by the grader. */
    int kv_live_stores(void);
    int kv_live_iters(void);
    int kv_misuses(void);

    /* The kv_foreach callback, written in Python (kvstore.py); its type is kv_visit_fn's. */
    extern "Python" int kv_visit(const char *key, const char *value, size_t len, void *userdata);
""")

ffibuilder.set_source(
    "_kvstore_cffi",
    '#include "kv.h"   /* the real declarations, next to the code cffi generates from the cdef */',
    # Absolute paths: cffi resolves relative ones from the folder it compiles in.
    sources=[str(HERE / "kv.c")],
    include_dirs=[str(HERE)],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
