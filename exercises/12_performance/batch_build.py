"""Exercise 12_performance/batch, build time: one C call for a whole buffer.

This builder compiles ``_batch_cffi``. adler32_step() below, given, does one
step of the Adler-32 checksum (the one zlib uses): one byte per call, so a
checksum of a megabyte costs a million calls from Python. Your C task is
adler32_update(): the same steps over ``length`` bytes, in ONE call.

Every C function that Python calls starts with COUNT_CALL: it counts the
call and notes the pointer and the length it got, in C globals the grader
reads. Keep that line.

Then finish batch.py.  Grade it:  nox -s grade -- 12_performance/batch
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    uint32_t adler32_step(uint32_t state, unsigned char byte);
    uint32_t adler32_update(uint32_t state, const unsigned char *data, size_t length);

    /* Written by COUNT_CALL, read by the grader. */
    extern long calls;
    extern const unsigned char *last_data;
    extern size_t last_length;
""")

ffibuilder.set_source(
    "_batch_cffi",
    """
    #include <stddef.h>
    #include <stdint.h>

    #define ADLER_MOD 65521u   /* the largest prime below 2**16 */

    long calls = 0;
    const unsigned char *last_data = NULL;
    size_t last_length = 0;

    #define COUNT_CALL(data, length) (calls++, last_data = (data), last_length = (length))

    /* An Adler-32 state holds two sums, each below ADLER_MOD: a (the sum of the
       bytes, plus 1) in the low 16 bits, b (the sum of the successive a's) in the
       high 16 bits. The checksum of nothing is 1; feeding a byte does this: */
    uint32_t adler32_step(uint32_t state, unsigned char byte)
    {
        uint32_t a = state & 0xFFFFu, b = state >> 16;
        COUNT_CALL(NULL, 1);
        a = (a + byte) % ADLER_MOD;
        b = (b + a) % ADLER_MOD;
        return (b << 16) | a;
    }

    /* The state after feeding data[0], data[1], ..., data[length - 1] to
       adler32_step, one after the other, but in a single call from Python. */
    uint32_t adler32_update(uint32_t state, const unsigned char *data, size_t length)
    {
        uint32_t a = state & 0xFFFFu, b = state >> 16;
        COUNT_CALL(data, length);   /* keep this line: the grader counts C calls */
        /* TODO: update a and b for each of the length bytes, exactly as adler32_step does.
           Both sums must stay below ADLER_MOD, or the 32-bit arithmetic overflows on
           large inputs. */
        return (b << 16) | a;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
