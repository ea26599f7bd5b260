"""Exercise 06_types/records, build time: a table of records kept in C.

Nothing to change in this file: your work is in records.py.

This builder compiles ``_records_cffi``. Its C code keeps a small table of
records. A record is a series of text fields (UTF-8), and every field ends
with a NUL byte, so one record holds several NULs, for example
``b"alice\\x00admin\\x00alice@example.org\\x00"``.

Grade it:  nox -s grade -- 06_types/records
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    int record_get(int index, char *out, int size);
    int record_add(const char *data, int length);
""")

# A raw string (r"""), so that the C escapes \0 and \xc3 reach the C compiler as written.
ffibuilder.set_source(
    "_records_cffi",
    r"""
    #include <string.h>

    #define MAX_RECORDS 64
    #define MAX_LENGTH 4096

    /* Three records to start with: name, role, e-mail. Bob's role is empty. */
    #define ALICE "alice\0admin\0alice@example.org\0"
    #define BOB   "bob\0\0bob@example.org\0"
    #define ZOE   "zo\xc3\xab\0editor\0zoe@example.org\0"

    static char records[MAX_RECORDS][MAX_LENGTH] = {ALICE, BOB, ZOE};
    static int lengths[MAX_RECORDS] = {sizeof ALICE - 1, sizeof BOB - 1, sizeof ZOE - 1};
    static int count = 3;

    /* Returns the length in bytes of record `index` (its NULs included),
       or -1 if there is no record `index`.
       Copies the record into out only if size is at least that length;
       otherwise copies nothing. So record_get(index, NULL, 0) just answers
       "how long is it?". */
    int record_get(int index, char *out, int size)
    {
        if (index < 0 || index >= count)
            return -1;
        if (out != NULL && size >= lengths[index])
            memcpy(out, records[index], lengths[index]);
        return lengths[index];
    }

    /* Appends a record of `length` bytes (NULs allowed) and returns its
       index, or -1 if the table is full or the record too long. */
    int record_add(const char *data, int length)
    {
        if (count == MAX_RECORDS || length < 0 || length > MAX_LENGTH)
            return -1;
        memcpy(records[count], data, length);
        lengths[count] = length;
        return count++;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
