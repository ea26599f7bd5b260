/* textstats_host.c: a plain C program that loads the textstats plugin and calls it.

   Usage: textstats_host LIBRARY SIZE < lines

   LIBRARY is the plugin's file (libtextstats.so, .dylib or .dll); SIZE is the size of
   the buffer given to longest_word(). For each line of standard input (UTF-8) it prints
       words=N
       longest=L [WORD]
   and it checks that longest_word() wrote a NUL inside the buffer and nothing after it. */

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

typedef int (*count_words_fn)(const char *text);
typedef int (*longest_word_fn)(const char *text, char *out, int size);

#define GUARD 8 /* bytes after the buffer that must stay '#' */

int main(int argc, char **argv)
{
    char line[4096];
    char *buffer;
    int size, i;
    void *lib;
    count_words_fn count_words;
    longest_word_fn longest_word;

    if (argc != 3 || (size = atoi(argv[2])) < 1) {
        fprintf(stderr, "usage: %s LIBRARY SIZE < lines\n", argv[0]);
        return 2;
    }
    lib = OPEN(argv[1]);
    if (lib == NULL) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 2;
    }
    count_words = (count_words_fn)FIND(lib, "count_words");
    longest_word = (longest_word_fn)FIND(lib, "longest_word");
    if (count_words == NULL || longest_word == NULL) {
        fprintf(stderr, "%s has no function %s\n", argv[1], count_words == NULL ? "count_words" : "longest_word");
        return 2;
    }
    buffer = malloc((size_t)size + GUARD);
    if (buffer == NULL)
        return 2;
    while (fgets(line, sizeof line, stdin) != NULL) {
        int length;
        line[strcspn(line, "\r\n")] = '\0';
        printf("words=%d\n", count_words(line));
        memset(buffer, '#', (size_t)size + GUARD);
        length = longest_word(line, buffer, size);
        for (i = size; i < size + GUARD; i++) {
            if (buffer[i] != '#') {
                printf("longest_word() wrote past the %d bytes it was given\n", size);
                return 3;
            }
        }
        if (memchr(buffer, '\0', (size_t)size) == NULL) {
            printf("longest_word() left no NUL in the %d bytes it was given\n", size);
            return 4;
        }
        printf("longest=%d [%s]\n", length, buffer);
        fflush(stdout);
    }
    free(buffer);
    return 0;
}
