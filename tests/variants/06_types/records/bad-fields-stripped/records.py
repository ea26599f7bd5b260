"""A likely mistake: each field is .strip()-ed after decoding, "to clean it up".

That also takes the spaces and tabs a field starts or ends with, which belong to it.

Exercise 06_types/records: read binary data back from C.

records_build.py (given: nothing to change there) compiles ``_records_cffi``,
a table of records kept in C. A record is a series of UTF-8 text fields, each
ending with a NUL byte, so a record holds several NULs:

    b"alice\\x00admin\\x00alice@example.org\\x00"

C hands a record over through one function:

    int record_get(int index, char *out, int size);

It returns the record's length in bytes, or -1 if there is no record
``index``. It copies the record into ``out`` only when ``size`` is at least
that length, so ``record_get(index, NULL, 0)`` just answers "how long is it?".

Finish the two functions below: ``read_record(0)`` must return all 30 bytes
of Alice's record, NULs included, and ``record_fields(0)`` the list
``["alice", "admin", "alice@example.org"]``.

Grade it:  nox -s grade -- 06_types/records
"""

from _records_cffi import ffi, lib


def read_record(index):
    """The exact bytes of record `index`, every NUL included.

    Raises IndexError if there is no record `index`.
    """
    # ffi.NULL and size 0: no buffer yet, so C only reports the length (or -1: no such record).
    length = lib.record_get(index, ffi.NULL, 0)
    if length < 0:
        raise IndexError(f"there is no record {index}")
    # A buffer of exactly `length` bytes, owned by `buf`: C copies the record into it.
    buf = ffi.new("char[]", length)
    lib.record_get(index, buf, length)
    # unpack copies exactly `length` bytes; ffi.string(buf) would stop at the first NUL.
    return ffi.unpack(buf, length)


def record_fields(index):
    """The fields of record `index`: a list of str, decoded from UTF-8.

    The NUL that ends each field is not part of it; an empty field gives "".
    Raises IndexError if there is no record `index`.
    """
    # Every field ends with a NUL, so splitting leaves one empty piece after the last NUL: drop it.
    pieces = read_record(index).split(b"\0")[:-1]
    # C keeps UTF-8 bytes; decoding turns each field back into text.
    return [piece.decode("utf-8").strip() for piece in pieces]
