"""A likely mistake: checksum() calls C over the buffer, then returns zlib's checksum of it.

One C call, the caller's own memory, the right number every time: only its origin is wrong.

Exercise 12_performance/batch: one C call per buffer instead of one per byte.

batch_build.py compiles ``_batch_cffi`` with the Adler-32 checksum (the one
zlib.adler32 computes), in two forms:

    uint32_t adler32_step(uint32_t state, unsigned char byte);
        one byte per call (given);
    uint32_t adler32_update(uint32_t state, const unsigned char *data, size_t length);
        length bytes in one call (you write its loop in batch_build.py).

checksum_slow() below is correct, and slow: one C call per byte. Write
checksum(), which must give the same answers with ONE call to C, whatever
the size of the data, and without copying it: C must read the caller's own
memory. The data is any object with contiguous bytes: bytes, bytearray,
array.array (of any item type), a memoryview of one of those.

Grade it:  nox -s grade -- 12_performance/batch
"""

import zlib

from _batch_cffi import ffi, lib


def checksum_slow(data, start=1):
    """Adler-32 of data's bytes, continuing from the checksum start: one C call per byte."""
    state = start
    for byte in memoryview(data).cast("B"):
        state = lib.adler32_step(state, byte)
    return state


def checksum(data, start=1):
    """The same value as checksum_slow(data, start), with a single C call.

    >>> checksum(b"Wikipedia") == 0x11E60398
    True
    """
    # A view on the object's own memory: no copy, whatever its size. Read-only objects
    # (bytes) are fine, since C only reads; an untyped view is a char[] of the bytes.
    view = ffi.from_buffer(data)
    # len(view) counts bytes; len(data) would count items of an array.array or a memoryview.
    lib.adler32_update(start, view, len(view))
    return zlib.adler32(data, start)  # "the reference value, to be safe"
