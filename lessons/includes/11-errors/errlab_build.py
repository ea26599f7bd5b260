"""The lab module of lesson 11: C functions that fail in each of C's usual ways."""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    // --8<-- [start:cdef]
    /* errno: return -1 (or NULL), and say why in errno. */
    long file_size(const char *path);   /* bytes in the file, or -1 and errno */
    int set_limit(int limit);           /* 0, or -1 and errno = EINVAL if limit < 0 */
    void log_event(const char *text);   /* best effort: never fails, but changes errno */

    /* From <stdlib.h>: reports overflow through errno only. */
    long strtol(const char *text, char **end, int base);

    /* The library's own error codes, and a message for each. */
    enum lab_status { LAB_OK = 0, LAB_ENOTFOUND = -1, LAB_EFULL = -2, LAB_EINVAL = -3 };
    const char *lab_strerror(int status);
    int lab_store(const char *name, int value);    /* a status */
    int lab_lookup(const char *name, int *value);  /* a status; the value goes to *value */

    /* C calling Python (lesson 09), to see what becomes of an exception. */
    extern "Python" int check_value(int value);
    int run_check(int value);                      /* returns what check_value returned */

    int add(int a, int b);
    // --8<-- [end:cdef]
""")

ffibuilder.set_source("_errlab_cffi", r"""
    #include <errno.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>

    long file_size(const char *path)
    {
        long size;
        int saved;
        FILE *f = fopen(path, "rb");
        if (f == NULL)
            return -1;                 /* fopen has set errno */
        if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0) {
            saved = errno;             /* fclose might change errno: keep it */
            fclose(f);
            errno = saved;
            return -1;
        }
        fclose(f);
        return size;
    }

    static int limit = 10;

    int set_limit(int new_limit)
    {
        if (new_limit < 0) {
            errno = EINVAL;
            return -1;
        }
        limit = new_limit;
        return 0;
    }

    void log_event(const char *text)
    {
        /* Logging is optional: when there is no logs/ folder, fopen fails
           (and sets errno to ENOENT), and the event is dropped. */
        FILE *f = fopen("logs/errlab.log", "a");
        if (f != NULL) {
            fprintf(f, "%s\n", text);
            fclose(f);
        }
    }

    enum lab_status { LAB_OK = 0, LAB_ENOTFOUND = -1, LAB_EFULL = -2, LAB_EINVAL = -3 };

    const char *lab_strerror(int status)
    {
        switch (status) {
        case LAB_OK:        return "success";
        case LAB_ENOTFOUND: return "no entry with that name";
        case LAB_EFULL:     return "the table is full";
        case LAB_EINVAL:    return "invalid name";
        default:            return "unknown status";
        }
    }

    #define LAB_SLOTS 3
    static char names[LAB_SLOTS][16];
    static int values[LAB_SLOTS];
    static int used = 0;

    int lab_store(const char *name, int value)
    {
        size_t n = strlen(name);
        if (n == 0 || n >= sizeof names[0])
            return LAB_EINVAL;
        for (int i = 0; i < used; i++)
            if (strcmp(names[i], name) == 0) {
                values[i] = value;
                return LAB_OK;
            }
        if (used == LAB_SLOTS)
            return LAB_EFULL;
        memcpy(names[used], name, n + 1);
        values[used++] = value;
        return LAB_OK;
    }

    int lab_lookup(const char *name, int *value)
    {
        for (int i = 0; i < used; i++)
            if (strcmp(names[i], name) == 0) {
                *value = values[i];
                return LAB_OK;
            }
        return LAB_ENOTFOUND;
    }

    static int check_value(int value);   /* extern "Python": CFFI writes its body */

    int run_check(int value) { return check_value(value); }

    int add(int a, int b) { return a + b; }
""")

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
