"""Exercise 08_arrays/inplace, build time: a C function that changes bytes in place.

Nothing to change in this file: your work is in inplace.py.

This builder compiles ``_inplace_cffi``. Its C function XORs every byte of a
buffer with a key, in place, and remembers the address it was given in the
global ``last_data`` (the grader reads it, to see which memory C worked on).

Grade it:  nox -s grade -- 08_arrays/inplace
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    void xor_bytes(unsigned char *data, size_t length, unsigned char key);
    extern unsigned char *last_data;
""")

ffibuilder.set_source(
    "_inplace_cffi",
    """
    #include <stddef.h>

    unsigned char *last_data = NULL;

    /* XORs each byte of data[0..length) with key, in place. XOR with the same
       key twice gives the original bytes back: a toy cipher, and a quick way
       to check that C changed the memory it was given. */
    void xor_bytes(unsigned char *data, size_t length, unsigned char key)
    {
        last_data = data;
        for (size_t i = 0; i < length; i++)
            data[i] ^= key;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
