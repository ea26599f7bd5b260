"""Exercise 09_callbacks/safe, build time: C code that relies on its callback's return value.

Nothing to change in this file: your work is in safe.py.

This builder compiles ``_safe_cffi``. Its process_all() is a small C
"pipeline": it hands each reading to a handler written in Python, which
converts it, and keeps the total of the converted values. A handler returns
-1 to reject a reading it cannot convert: C then counts the reading as
rejected and leaves it out of the total.

Grade it:  nox -s grade -- 09_callbacks/safe
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    /* The handler, written in Python (safe.py): returns the converted
       reading (0 or more), or -1 to reject it. */
    extern "Python" int handle(int reading);

    /* Calls handle(readings[i]) for each reading. Returns the number of
       readings rejected; last_total() then gives the total of the others. */
    int process_all(const int *readings, int n);
    long long last_total(void);
""")

ffibuilder.set_source(
    "_safe_cffi",
    """
    static int handle(int reading);   /* written by CFFI, after this code */

    static long long total = 0;

    int process_all(const int *readings, int n)
    {
        int rejected = 0;
        total = 0;
        for (int i = 0; i < n; i++) {
            int value = handle(readings[i]);
            if (value == -1)
                rejected++;
            else
                total += value;
        }
        return rejected;
    }

    long long last_total(void) { return total; }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
