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


def read_record(index):
    """The exact bytes of record `index`, every NUL included.

    Raises IndexError if there is no record `index`.
    """
    # TODO: ask C for the record's length without giving it a buffer, and raise IndexError when C answers -1.
    # TODO: let C fill a buffer of that length, then return exactly that many bytes (NULs included) as a bytes object.
    raise NotImplementedError("read_record is not written yet")


def record_fields(index):
    """The fields of record `index`: a list of str, decoded from UTF-8.

    The NUL that ends each field is not part of it; an empty field gives "".
    Raises IndexError if there is no record `index`.
    """
    # TODO: split the record's bytes into its fields and decode each field from UTF-8.
    raise NotImplementedError("record_fields is not written yet")
