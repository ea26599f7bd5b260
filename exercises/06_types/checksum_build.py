"""Exercise 06_types/checksum, build time: declare a C function with its exact types.

This builder compiles ``_checksum_cffi``. Its C code, below, is complete: a
32-bit FNV-1a hash, a small and fast (not cryptographic) checksum used in
file formats and hash tables. Declare it for Python; then finish checksum.py.

Grade it:  nox -s grade -- 06_types/checksum
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    /* TODO: declare fnv1a32 with exactly the types its C definition below uses. */
""")

ffibuilder.set_source(
    "_checksum_cffi",
    """
    #include <stddef.h>
    #include <stdint.h>

    uint32_t fnv1a32(const char *data, size_t length)
    {
        uint32_t hash = 2166136261u;          /* the FNV "offset basis" */
        for (size_t i = 0; i < length; i++) {
            hash ^= (unsigned char)data[i];   /* mix in one byte, 0..255 */
            hash *= 16777619u;                /* the FNV prime: the product wraps around at 2**32 */
        }
        return hash;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
