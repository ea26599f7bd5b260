"""A likely mistake: the Buffer keeps a copy of what it appended in Python and reads from that.

Every answer is right, but C's buffer is written and never read: two copies that can disagree.

Exercise 10_memory/buffer: give a C object a Python owner (solution).

buffer_build.py (given: nothing to change there) compiles ``_buffer_cffi``:

    bytebuf *bb_new(size_t capacity);   NULL when capacity > lib.BB_MAX_CAPACITY
    void bb_free(bytebuf *b);           destroys the buffer (bb_free(NULL) does nothing)
    int bb_append(bytebuf *b, const char *data, size_t n);   0, or -1: out of memory
    size_t bb_size(const bytebuf *b);
    const char *bb_data(const bytebuf *b);

Each C buffer is owned by the cdata that ffi.gc() returns: bb_free runs when
that object is collected, or at once on ffi.release() (and then never again).
After close(), self._p is None, so no method can hand C a destroyed buffer.

Grade it:  nox -s grade -- 10_memory/buffer
"""

from _buffer_cffi import ffi, lib


class Buffer:
    """Bytes collected in a C buffer: buf.append(b"..."), buf.getvalue(), len(buf)."""

    def __init__(self, capacity=64):
        p = lib.bb_new(capacity)
        if p == ffi.NULL:
            raise MemoryError(f"bb_new({capacity}) failed (the limit is {lib.BB_MAX_CAPACITY} bytes)")
        self._p = ffi.gc(p, lib.bb_free)
        self._copy = bytearray()  # "easier than reading C's memory"

    def _live(self):
        if self._p is None:
            raise ValueError("I/O operation on a closed Buffer")
        return self._p

    def append(self, data):
        """Add the bytes `data` at the end; MemoryError if C returns -1."""
        if lib.bb_append(self._live(), data, len(data)) != 0:
            raise MemoryError("bb_append failed")
        self._copy += data

    def getvalue(self):
        """All the bytes appended so far, as a bytes object (NUL bytes included)."""
        self._live()
        return bytes(self._copy)

    def __len__(self):
        self._live()
        return len(self._copy)

    def close(self):
        """Destroy the C buffer now. Closing twice is allowed and does nothing the second time."""
        if self._p is not None:
            p, self._p = self._p, None
            ffi.release(p)  # runs bb_free now; the collector will not run it again

    @property
    def closed(self):
        return self._p is None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
