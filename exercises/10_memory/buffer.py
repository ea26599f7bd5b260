"""Exercise 10_memory/buffer: give a C object a Python owner.

buffer_build.py (given: nothing to change there) compiles ``_buffer_cffi``:

    bytebuf *bb_new(size_t capacity);   NULL when capacity > lib.BB_MAX_CAPACITY
    void bb_free(bytebuf *b);           destroys the buffer (bb_free(NULL) does nothing)
    int bb_append(bytebuf *b, const char *data, size_t n);   0, or -1: out of memory
    size_t bb_size(const bytebuf *b);
    const char *bb_data(const bytebuf *b);

Write the class Buffer below so that each C buffer is destroyed exactly once:
when the Buffer is garbage-collected, or earlier by close() or at the end of
a `with` block. After that, using the Buffer raises ValueError (it must never
hand C a destroyed buffer).

Grade it:  nox -s grade -- 10_memory/buffer
"""

from _buffer_cffi import ffi, lib


class Buffer:
    """Bytes collected in a C buffer: buf.append(b"..."), buf.getvalue(), len(buf)."""

    def __init__(self, capacity=64):
        # TODO: create the C buffer with lib.bb_new(capacity). NULL means it could not: raise MemoryError.
        # TODO: make Python destroy it with lib.bb_free when this object is collected: ffi.gc(pointer, destructor).
        raise NotImplementedError("Buffer.__init__ is not written yet")

    def append(self, data):
        """Add the bytes `data` at the end; MemoryError if C returns -1."""
        # TODO: ValueError if the buffer is closed; otherwise lib.bb_append with the length of data.
        raise NotImplementedError("Buffer.append is not written yet")

    def getvalue(self):
        """All the bytes appended so far, as a bytes object (NUL bytes included)."""
        # TODO: ValueError if closed; copy bb_size() bytes from bb_data() (ffi.unpack).
        raise NotImplementedError("Buffer.getvalue is not written yet")

    def __len__(self):
        # TODO: ValueError if closed; the number of bytes, from C.
        raise NotImplementedError("Buffer.__len__ is not written yet")

    def close(self):
        """Destroy the C buffer now. Closing twice is allowed and does nothing the second time."""
        # TODO: destroy it now, exactly once: ffi.release() runs the ffi.gc destructor at once, and never again.
        raise NotImplementedError("Buffer.close is not written yet")

    @property
    def closed(self):
        # TODO: True once close() was called.
        raise NotImplementedError("Buffer.closed is not written yet")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        # TODO: close the buffer, whether the with block ended normally or with an exception.
        raise NotImplementedError("Buffer.__exit__ is not written yet")
