"""The lab module of lesson 14: a small C library of word lists, to wrap in Python."""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    // --8<-- [start:cdef]
    enum wl_status { WL_OK = 0, WL_DONE = 1, WL_ESTOPPED = 2,
                     WL_EEMPTY = 3, WL_ERANGE = 4, WL_ENOMEM = 5, WL_EINVAL = 6 };

    typedef struct wordlist wordlist;     /* opaque */
    typedef struct wl_iter wl_iter;       /* opaque */

    int wl_open(wordlist **out);          /* *out: a new, empty list */
    void wl_close(wordlist *w);           /* wl_close(NULL) does nothing */
    int wl_add(wordlist *w, const char *word);   /* WL_EEMPTY for "" */

    /* The words joined by sep, as a C string: *needed is its size, NUL
       included. WL_ERANGE when that is more than `size` (buf untouched). */
    int wl_join(const wordlist *w, const char *sep, char *buf, size_t size, size_t *needed);

    /* An iterator over the words: WL_OK and *word, then WL_DONE. */
    int wl_iter_new(wordlist *w, wl_iter **out);
    int wl_iter_next(wl_iter *it, const char **word);
    void wl_iter_free(wl_iter *it);

    /* Calls visit(word, userdata) for each word; WL_ESTOPPED when it
       returns non-zero. */
    int wl_each(wordlist *w, int (*visit)(const char *word, void *userdata), void *userdata);
    extern "Python" int lab_visit(const char *word, void *userdata);

    const char *wl_strerror(int status);
    int wl_live_lists(void);              /* accounting, for tests */
    int wl_live_iters(void);
    // --8<-- [end:cdef]
""")

ffibuilder.set_source("_wordlab_cffi", r"""
    #include <stdlib.h>
    #include <string.h>

    enum wl_status { WL_OK = 0, WL_DONE = 1, WL_ESTOPPED = 2,
                     WL_EEMPTY = 3, WL_ERANGE = 4, WL_ENOMEM = 5, WL_EINVAL = 6 };

    typedef struct wordlist {
        char **words;
        size_t count, room;
    } wordlist;

    typedef struct wl_iter {
        const wordlist *list;
        size_t next;
    } wl_iter;

    static int live_lists = 0, live_iters = 0;

    int wl_open(wordlist **out)
    {
        wordlist *w = calloc(1, sizeof *w);
        *out = w;
        if (w == NULL)
            return WL_ENOMEM;
        live_lists++;
        return WL_OK;
    }

    void wl_close(wordlist *w)
    {
        if (w == NULL)
            return;
        for (size_t i = 0; i < w->count; i++)
            free(w->words[i]);
        free(w->words);
        free(w);
        live_lists--;
    }

    int wl_add(wordlist *w, const char *word)
    {
        size_t n = strlen(word);
        char *copy;
        if (n == 0)
            return WL_EEMPTY;
        if (w->count == w->room) {
            size_t room = w->room ? 2 * w->room : 4;
            char **bigger = realloc(w->words, room * sizeof *bigger);
            if (bigger == NULL)
                return WL_ENOMEM;
            w->words = bigger;
            w->room = room;
        }
        copy = malloc(n + 1);
        if (copy == NULL)
            return WL_ENOMEM;
        memcpy(copy, word, n + 1);
        w->words[w->count++] = copy;
        return WL_OK;
    }

    int wl_join(const wordlist *w, const char *sep, char *buf, size_t size, size_t *needed)
    {
        size_t total = 1, used = 0, seplen = strlen(sep);
        for (size_t i = 0; i < w->count; i++)
            total += strlen(w->words[i]) + (i > 0 ? seplen : 0);
        *needed = total;
        if (total > size)
            return WL_ERANGE;
        for (size_t i = 0; i < w->count; i++) {
            if (i > 0) {
                memcpy(buf + used, sep, seplen);
                used += seplen;
            }
            memcpy(buf + used, w->words[i], strlen(w->words[i]));
            used += strlen(w->words[i]);
        }
        buf[used] = '\0';
        return WL_OK;
    }

    int wl_iter_new(wordlist *w, wl_iter **out)
    {
        wl_iter *it = malloc(sizeof *it);
        *out = it;
        if (it == NULL)
            return WL_ENOMEM;
        it->list = w;
        it->next = 0;
        live_iters++;
        return WL_OK;
    }

    int wl_iter_next(wl_iter *it, const char **word)
    {
        if (it->next >= it->list->count)
            return WL_DONE;
        *word = it->list->words[it->next++];
        return WL_OK;
    }

    void wl_iter_free(wl_iter *it)
    {
        if (it != NULL) {
            free(it);
            live_iters--;
        }
    }

    int wl_each(wordlist *w, int (*visit)(const char *word, void *userdata), void *userdata)
    {
        for (size_t i = 0; i < w->count; i++)
            if (visit(w->words[i], userdata) != 0)
                return WL_ESTOPPED;
        return WL_OK;
    }

    const char *wl_strerror(int status)
    {
        switch (status) {
        case WL_OK: return "success";
        case WL_DONE: return "no more words";
        case WL_ESTOPPED: return "stopped by the callback";
        case WL_EEMPTY: return "empty word";
        case WL_ERANGE: return "buffer too small";
        case WL_ENOMEM: return "out of memory";
        case WL_EINVAL: return "invalid argument";
        default: return "unknown status";
        }
    }

    int wl_live_lists(void) { return live_lists; }
    int wl_live_iters(void) { return live_iters; }
""")

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
