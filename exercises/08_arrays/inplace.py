"""Exercise 08_arrays/inplace: let C change a bytearray in place, with no copy.

inplace_build.py (given: nothing to change there) compiles ``_inplace_cffi``:

    void xor_bytes(unsigned char *data, size_t length, unsigned char key);
        XORs each of the length bytes at data with key, in place.

Finish xor_inplace() below. It changes the bytearray it is given (the same
object: the caller's other references see the change) and returns None,
like list.sort(). C must work on the bytearray's own memory: no copy of the
data, in either direction, however large it is. An object that must not be
changed, such as bytes, is refused with BufferError instead.

Grade it:  nox -s grade -- 08_arrays/inplace
"""

from _inplace_cffi import ffi, lib


def xor_inplace(data, key):
    """XOR every byte of the bytearray data with key (0-255), in place, through C; return None.

    >>> buf = bytearray(b"abc"); xor_inplace(buf, 1); buf
    bytearray(b'`cb')
    """
    # TODO: get a C pointer to the bytearray's own bytes, without copying them, refusing
    #       objects that are read-only.
    # TODO: call lib.xor_bytes on it, with the length in bytes.
    raise NotImplementedError("xor_inplace is not written yet")
