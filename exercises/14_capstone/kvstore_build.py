"""Exercise 14_capstone/kvstore, build time: compile the C library kv.c into ``_kvstore_cffi``.

kv.h and kv.c, next to this script, are a small C library: an in-memory
key/value store. Use them as they are (do not edit or copy them). Complete
this builder so that it compiles them into a module named ``_kvstore_cffi``:

1. In cdef(), declare what kv.h declares between its "declarations" lines:
   the two constants (let the compiler give their values), enum kv_status,
   the two opaque types, the callback type kv_visit_fn and every function.
   cdef() has no preprocessor: it cannot #include the header for you.
2. In set_source(), make the C code know kv.h's declarations, compile kv.c
   into the module, and let the compiler find kv.h, from any folder.
3. (Exercise kviter) Declare the callback that kvstore.py writes in Python:
   an extern "Python" function named kv_visit, of the type kv_visit_fn.

Grade it:  nox -s grade -- 14_capstone
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

ffibuilder.cdef("""
    /* TODO: the declarations of kv.h (constants, enum kv_status, types, functions). */

    /* Accounting, read by the grader: keep these three lines. */
    int kv_live_stores(void);
    int kv_live_iters(void);
    int kv_misuses(void);

    /* TODO: (exercise kviter) the extern "Python" callback kv_visit, of the type kv_visit_fn. */
""")

ffibuilder.set_source(
    "_kvstore_cffi",
    """
    /* TODO: make the declarations of kv.h known to this C code. */
    """,
    # TODO: compile kv.c into the module as well, and tell the compiler where kv.h is.
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
