"""Grader for 06_types/records: read binary data with embedded NULs back from C.

records_build.py (given) compiles ``_records_cffi``, a table of records kept
in C; each record is a series of UTF-8 fields, each ending with a NUL byte.
records.py must return a record's exact bytes (``read_record``: every NUL
included, nothing more, so ``ffi.string`` and the whole of an oversized buffer
are both wrong), raise IndexError where C answers -1, and split a record into
its decoded fields (``record_fields``). Besides the three records C starts
with, the grader adds its own through ``record_add`` (leading NULs, every byte
value, an empty record, one of 3000 bytes, non-ASCII text), so the answers
must come from C.
"""

from __future__ import annotations

import pytest
from cffi import FFI

CDATA, BUFFER = FFI().CData, FFI().buffer  # the types of cdata objects and of ffi.buffer() views
BUILDER = "records_build.py"

SAMPLES = {
    0: (b"alice\0admin\0alice@example.org\0", ["alice", "admin", "alice@example.org"]),
    1: (b"bob\0\0bob@example.org\0", ["bob", "", "bob@example.org"]),
    2: ("zoë\0editor\0zoe@example.org\0".encode(), ["zoë", "editor", "zoe@example.org"]),
}

LONG_FIELDS = [f"line {i:04d}" for i in range(300)]
# What the grader adds to the table: description -> (bytes, fields, or None where the bytes are not text).
ADDED = {
    "a record that starts with two NULs": (b"\0\0x\0", ["", "", "x"]),
    "a record holding every byte value 0..255": (bytes(range(256)), None),
    "an empty record (length 0)": (b"", []),
    "a record of 3000 bytes": ("".join(f + "\0" for f in LONG_FIELDS).encode(), LONG_FIELDS),
    "a record of non-ASCII text": ("Ωmega\0東京\0café\0".encode(), ["Ωmega", "東京", "café"]),
    # Spaces and tabs are part of a field: only the NUL ends it (a .strip() of each field loses them).
    "a record whose fields start or end with spaces and tabs": (
        b" lead\0trail \t\0\t both \0 \0",
        [" lead", "trail \t", "\t both ", " "],
    ),
}
MISSING = [999, 63]  # no record there: C answers -1


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def records(exercise, built):
    return exercise.import_module("records")


@pytest.fixture(scope="module")
def added(built):
    """Index of each record the grader adds to the C table."""
    indexes = {}
    for description, (data, _) in ADDED.items():
        index = built.lib.record_add(data, len(data))
        assert index >= 0, "the C table refused a record: records_build.py must stay as given"
        indexes[description] = index
    return indexes


def _show(data) -> str:
    """repr() of a value, shortened when long."""
    if isinstance(data, bytes) and len(repr(data)) > 70:
        cut = 40
        while len(repr(data[:cut])) > 60:
            cut -= 1
        return f"{data[:cut]!r}... ({len(data)} bytes)"
    text = repr(data)
    return text if len(text) <= 120 else text[:110] + f"... ({len(data)} items)"


def _call(records, name, index):
    func = getattr(records, name, None)
    if not callable(func):
        pytest.fail(f"records.py has no function `{name}`: keep the `def {name}(index):` of the starter file.")
    try:
        return func(index)
    except NotImplementedError:
        pytest.fail(
            f"records.{name}({index}) raised NotImplementedError: replace the TODOs in {name}() with your code."
        )
    except IndexError as exc:
        pytest.fail(
            f"records.{name}({index}) raised IndexError ({exc}), but record {index} exists. Only -1 from "
            'record_get means "no such record"; any other answer is a length, and 0 is a valid one (an empty record).'
        )
    except Exception as exc:
        pytest.fail(f"records.{name}({index}) raised {type(exc).__name__}: {exc}")


def _why_bytes_differ(got, expected: bytes) -> str:
    """A beginner's explanation of how read_record's answer differs from the record."""
    if isinstance(got, BUFFER):
        return (
            "That is an ffi.buffer: a view on C memory, not a copy. Return bytes: ffi.buffer(buf, n)[:] "
            "copies them out."
        )
    if isinstance(got, CDATA):
        return (
            "That is a cdata object (C memory), not bytes. Copy the bytes out with ffi.unpack(buf, n) "
            "or ffi.buffer(buf, n)[:]."
        )
    if isinstance(got, str):
        return "read_record returns the raw bytes (bytes, not str); decoding is record_fields' job."
    if not isinstance(got, bytes):
        return "read_record must return a bytes object."
    if b"\0" in expected and got == expected.split(b"\0", 1)[0]:
        return (
            "It stops where the record's first NUL byte is: that is what ffi.string() does, since a C string "
            "ends at its first NUL. Use the length C returned: ffi.unpack(buf, length) or "
            "ffi.buffer(buf, length)[:]."
        )
    if got.startswith(expected) and not got[len(expected) :].strip(b"\0"):
        extra = len(got) - len(expected)
        return (
            f"The record is all there, followed by {extra} extra NUL byte{'s' if extra > 1 else ''}: that is "
            "the rest of the buffer, which C never wrote. Return only the `length` bytes C reported "
            "(ffi.unpack(buf, length)), not the whole buffer."
        )
    if got and not got.strip(b"\0"):
        return (
            f"All {len(got)} bytes are NUL: C never wrote into that memory. record_get copies nothing when "
            "size is smaller than the record: ask for the length first (a call with ffi.NULL and 0), then "
            "give it a buffer of at least that many bytes."
        )
    first = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
    where = f"The first difference is at byte {first}: " + (
        f"{got[first : first + 1]!r} instead of {expected[first : first + 1]!r}. "
        if first < min(len(got), len(expected))
        else "one of the two ends there. "
    )
    return where + (
        "Was the buffer at least as long as the record? record_get copies nothing into a buffer "
        "that is too small: it only returns the length, so what you read was never written by C."
    )


def _check_bytes(records, index: int, expected: bytes, what: str) -> None:
    got = _call(records, "read_record", index)
    if type(got) is not bytes or got != expected:
        pytest.fail(
            f"records.read_record({index}) ({what}) returned {_show(got)}, expected the record's "
            f"{len(expected)} bytes {_show(expected)}. " + _why_bytes_differ(got, expected)
        )


def _check_fields(records, index: int, data: bytes, expected: list[str], what: str) -> None:
    got = _call(records, "record_fields", index)
    if got == expected and isinstance(got, list) and all(type(f) is str for f in got):
        return
    message = (
        f"records.record_fields({index}) ({what}, bytes {_show(data)}) returned {_show(got)}, "
        f"expected {_show(expected)}."
    )
    if isinstance(got, (list, tuple)) and any(isinstance(f, bytes) for f in got):
        message += " The fields must be str: decode each one from UTF-8 (field.decode('utf-8'))."
    elif isinstance(got, list) and len(got) == len(expected) + 1 and got[:-1] == expected and got[-1] == "":
        message += (
            ' The last item is an extra "": every field *ends* with a NUL, so splitting on NUL leaves '
            "an empty piece after the last one, which is not a field."
        )
    elif isinstance(got, list) and got == [f for f in expected if f]:
        message += ' An empty field is still a field (two NULs in a row): keep it as "".'
    elif (
        isinstance(got, list)
        and len(got) == len(expected)
        and all(isinstance(f, str) for f in got)
        and [f.strip() for f in got] == [f.strip() for f in expected]
    ):
        message += (
            " Spaces and tabs at a field's start or end are part of the field: only the NUL ends it. "
            "Keep the decoded text as it is (no .strip())."
        )
    elif isinstance(got, list) and any(isinstance(f, str) and "Ã" in f for f in got):
        message += " The non-ASCII letters are garbled: the bytes are UTF-8, so decode them with 'utf-8'."
    pytest.fail(message)


def test_read_record_keeps_every_nul(records):
    for index, (data, _) in SAMPLES.items():
        _check_bytes(records, index, data, "one of the three records C starts with")


def test_read_record_reads_what_c_holds(records, added):
    for what in (
        "a record that starts with two NULs",
        "a record holding every byte value 0..255",
        "a record of non-ASCII text",
    ):
        _check_bytes(records, added[what], ADDED[what][0], f"{what}, added by the grader")


def test_read_record_long_record(records, added):
    what = "a record of 3000 bytes"
    _check_bytes(records, added[what], ADDED[what][0], f"{what}, added by the grader")


def test_read_record_empty_record(records, added):
    what = "an empty record (length 0)"
    _check_bytes(records, added[what], ADDED[what][0], f"{what}, added by the grader")


def _check_missing(records, name):
    func = getattr(records, name, None)
    if not callable(func):
        pytest.fail(f"records.py has no function `{name}`: keep the `def {name}(index):` of the starter file.")
    for index in MISSING:
        call = f"records.{name}({index})"
        try:
            got = func(index)
        except IndexError:
            continue
        except NotImplementedError:
            pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in {name}() with your code.")
        except Exception as exc:
            pytest.fail(
                f"{call} raised {type(exc).__name__}: {exc}; expected IndexError, since there is no record "
                f"{index}. record_get returns -1 for a missing record: check for it before you allocate "
                "anything, and raise IndexError."
            )
        pytest.fail(
            f"{call} returned {_show(got)}; expected it to raise IndexError, since there is no record {index} "
            "(record_get returns -1 for it)."
        )


def test_read_record_missing_raises_index_error(records, added):
    _check_missing(records, "read_record")


def test_record_fields_of_c_records(records):
    for index, (data, fields) in SAMPLES.items():
        _check_fields(records, index, data, fields, "one of the three records C starts with")


def test_record_fields_of_added_records(records, added):
    for what, (data, fields) in ADDED.items():
        if fields is not None:
            _check_fields(records, added[what], data, fields, f"{what}, added by the grader")


def test_record_fields_missing_raises_index_error(records, added):
    _check_missing(records, "record_fields")
