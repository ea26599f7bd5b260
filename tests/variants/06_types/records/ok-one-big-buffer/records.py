"""Exercise 06_types/records: read binary data back from C.

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

MAX_LENGTH = 4096  # no record in the C table is longer


def read_record(index):
    """The exact bytes of record `index`, every NUL included."""
    buf = ffi.new("char[]", MAX_LENGTH)
    length = lib.record_get(index, buf, MAX_LENGTH)
    if length == -1:
        raise IndexError(f"no record {index}")
    return ffi.buffer(buf, length)[:]


def record_fields(index):
    """The fields of record `index`."""
    text = read_record(index).decode("utf-8")  # NUL is valid UTF-8: decode first, split after
    fields = text.split("\0")
    fields.pop()  # what follows the last NUL
    return fields
