/* celsius_host.c: a plain C program that loads the celsius plugin and calls it.

   Usage: celsius_host LIBRARY SIZE < lines

   For each line of standard input it calls parse_celsius(line, &value, error, SIZE)
   and prints
       rc=R value=V error=[MESSAGE]
   where value starts as -999.5 before each call. A line starting with `!` is passed
   without its `!`, and with out = NULL. The host checks that the plugin wrote a NUL
   inside the error buffer and nothing after it. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#define OPEN(path) ((void *)LoadLibraryA(path))
#define FIND(lib, name) ((void *)GetProcAddress((HMODULE)(lib), (name)))
#else
#include <dlfcn.h>
/* RTLD_GLOBAL: the library brings libpython with it, and the extension modules Python
   imports later (_cffi_backend first) find its symbols only if they are global. */
#define OPEN(path) dlopen((path), RTLD_NOW | RTLD_GLOBAL)
#define FIND(lib, name) dlsym((lib), (name))
#endif

typedef int (*parse_celsius_fn)(const char *text, double *out, char *error, int size);

#define GUARD 8 /* bytes after the buffer that must stay '#' */

int main(int argc, char **argv)
{
    char line[4096];
    char *error;
    int size, i;
    void *lib;
    parse_celsius_fn parse_celsius;

    if (argc != 3 || (size = atoi(argv[2])) < 1) {
        fprintf(stderr, "usage: %s LIBRARY SIZE < lines\n", argv[0]);
        return 2;
    }
    lib = OPEN(argv[1]);
    if (lib == NULL) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 2;
    }
    parse_celsius = (parse_celsius_fn)FIND(lib, "parse_celsius");
    if (parse_celsius == NULL) {
        fprintf(stderr, "%s has no function parse_celsius\n", argv[1]);
        return 2;
    }
    error = malloc((size_t)size + GUARD);
    if (error == NULL)
        return 2;
    while (fgets(line, sizeof line, stdin) != NULL) {
        double value = -999.5;
        int no_out = line[0] == '!';
        int rc;
        line[strcspn(line, "\r\n")] = '\0';
        memset(error, '#', (size_t)size + GUARD);
        rc = parse_celsius(no_out ? line + 1 : line, no_out ? NULL : &value, error, size);
        for (i = size; i < size + GUARD; i++) {
            if (error[i] != '#') {
                printf("parse_celsius() wrote past the %d bytes of error it was given\n", size);
                return 3;
            }
        }
        if (memchr(error, '\0', (size_t)size) == NULL) {
            printf("parse_celsius() left no NUL in the %d bytes of error it was given\n", size);
            return 4;
        }
        printf("rc=%d value=%.17g error=[%s]\n", rc, value, error);
        fflush(stdout);
    }
    free(error);
    return 0;
}
