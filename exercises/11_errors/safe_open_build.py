"""Exercise 11_errors/safe_open, build time: open, read and close a file in C.

Nothing to change in this file: your work is in safe_open.py.

The three functions follow C's usual convention: on failure they return NULL
or -1, and they say why in errno (fopen, fgets and friends set it, on POSIX
systems and in Windows' C runtime alike). Python sees that value as ffi.errno,
and only right after the call: the next C call that touches errno changes it.

A test hook, sf_fail_next(), makes the next open or read fail with the errno
you choose. The grader needs it: this machine may run as root, which reads
every file whatever its permissions, and errors such as EIO cannot be made
on demand. Your code never calls it.

Grade it:  nox -s grade -- 11_errors/safe_open
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    typedef struct sf_file sf_file;      /* opaque: a FILE * and what it is for */

    sf_file *sf_open(const char *path);  /* NULL and errno on failure */

    /* Reads the first line (without its line end) into out[0 .. size-1] and
       adds a NUL; a longer line is cut. Returns the number of bytes stored
       (0 for an empty file), or -1 and errno on failure. */
    int sf_read_line(sf_file *f, char *out, size_t size);

    /* Closes the file. Always succeeds, and changes errno (see below). */
    void sf_close(sf_file *f);

    /* For the grader: the files open right now, and the test hook. */
    int sf_open_files(void);
    enum { SF_OPEN = 1, SF_READ = 2 };
    void sf_fail_next(int stage, int error);   /* stage: SF_OPEN or SF_READ */
""")

ffibuilder.set_source(
    "_safe_open_cffi",
    r"""
    #include <errno.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>

    typedef struct sf_file { FILE *fp; } sf_file;
    enum { SF_OPEN = 1, SF_READ = 2 };

    static int open_files = 0;
    static int fail_stage = 0, fail_error = 0;

    static int injected(int stage)
    {
        if (fail_stage != stage)
            return 0;
        fail_stage = 0;
        errno = fail_error;
        return 1;
    }

    void sf_fail_next(int stage, int error)
    {
        fail_stage = stage;
        fail_error = error;
    }

    sf_file *sf_open(const char *path)
    {
        sf_file *f;
        FILE *fp;
        if (injected(SF_OPEN))
            return NULL;
        fp = fopen(path, "r");
        if (fp == NULL)
            return NULL;                  /* errno from fopen */
        f = malloc(sizeof *f);
        if (f == NULL) {
            fclose(fp);
            errno = ENOMEM;
            return NULL;
        }
        f->fp = fp;
        open_files++;
        return f;
    }

    int sf_read_line(sf_file *f, char *out, size_t size)
    {
        size_t n;
        if (f == NULL || out == NULL || size == 0) {
            errno = EINVAL;
            return -1;
        }
        if (injected(SF_READ))
            return -1;
        if (fgets(out, (int)size, f->fp) == NULL) {
            out[0] = '\0';
            if (ferror(f->fp))
                return -1;                /* errno from the failed read */
            return 0;                     /* an empty file */
        }
        n = strlen(out);
        while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
            out[--n] = '\0';
        return (int)n;
    }

    void sf_close(sf_file *f)
    {
        if (f == NULL)
            return;
        fclose(f->fp);
        free(f);
        open_files--;
        /* The C standard lets a function change errno even when it succeeds,
           and many do (fclose of a stream that was read may call lseek, which
           can fail harmlessly). This one always does, so that reading errno
           after it gives a wrong answer every time, not once in a while. */
        errno = 0;
    }

    int sf_open_files(void) { return open_files; }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
