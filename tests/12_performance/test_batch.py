"""Grader for 12_performance/batch: one C call over a whole buffer, with no copy.

batch_build.py must define ``adler32_update(state, data, length)``: the
Adler-32 steps of ``adler32_step`` over ``length`` bytes, in one call, with
both sums kept below 65521 (so that a megabyte of 0xFF does not overflow).
batch.py's ``checksum(data, start=1)`` must return ``zlib.adler32(data, start)``
for bytes, bytearray, array.array and memoryview objects of any size. The C
globals that ``COUNT_CALL`` writes prove how it got there: ``calls`` must be 1
(one C call per checksum, however large the data; 0 is accepted for empty
data), ``last_length`` the size in bytes, and for writable objects
``last_data`` the address of the object's own memory, ``ffi.from_buffer(data)``:
a copy (``bytes(data)``, ``ffi.new(...)``) lives elsewhere. No timing is
measured: the counts prove the batching.
"""

from __future__ import annotations

import random
import zlib
from array import array

import pytest

from grader.testing import LibSpy, install_lib_spy

BUILDER = "batch_build.py"
BIG = 1 << 20  # a megabyte of 0xFF overflows 32-bit sums that are reduced only at the end


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def batch_module(exercise, built):
    return exercise.import_module("batch")


def _nbytes(data) -> int:
    return memoryview(data).nbytes


def _show(data) -> str:
    kind = type(data).__name__
    if isinstance(data, array):
        kind = f"array({data.typecode!r})"
    elif isinstance(data, memoryview):
        kind = f"memoryview (format {data.format!r})"
    raw = memoryview(data).tobytes()
    if len(raw) <= 12:
        return f"{kind} {raw!r}"
    return f"{kind} of {len(raw):,} bytes {raw[:8]!r}..."


def _address(ffi, cdata) -> int:
    return int(ffi.cast("uintptr_t", cdata))


def _own_address(ffi, data) -> int:
    view = ffi.from_buffer(data)
    try:
        return _address(ffi, view)
    finally:
        ffi.release(view)


def _reset(built) -> None:
    built.lib.calls = 0
    built.lib.last_data = built.ffi.NULL
    built.lib.last_length = 0


def _c_update(built, data: bytes, start: int) -> int:
    """What the learner's C returns when called directly on bytes."""
    return built.lib.adler32_update(start, data, len(data))


def _check(batch_module, built, data, start: int = 1) -> None:
    ffi, lib = built.ffi, built.lib
    func = getattr(batch_module, "checksum", None)
    if not callable(func):
        pytest.fail("batch.py has no function `checksum`: keep the `def checksum(data, start=1):` of the starter file.")
    call = f"checksum({_show(data)}" + (f", start={start})" if start != 1 else ")")
    raw = memoryview(data).tobytes()
    expected = zlib.adler32(raw, start)
    _reset(built)
    try:
        got = func(data) if start == 1 else func(data, start)
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in checksum() with your code.")
    except TypeError as exc:
        hint = ""
        if "cdata pointer" in str(exc):
            hint = (
                " CFFI does not turn a bytearray, an array or a memoryview into a C pointer by itself: "
                "ffi.from_buffer(data) gives a cdata that points to the object's own bytes."
            )
        pytest.fail(f"{call} raised TypeError: {exc}.{hint}")
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")
    calls, last_length = lib.calls, lib.last_length

    if type(got) is not int or got != expected:
        message = f"{call} returned {got!r}, expected {expected} (zlib.adler32 of the same bytes)."
        if (
            isinstance(got, int)
            and raw
            and _itemsize(data) > 1
            and got == _c_update(built, raw[: len(raw) // _itemsize(data)], start)
        ):
            message += (
                f" That is the checksum of the first {len(raw) // _itemsize(data)} bytes only: the "
                "length you gave C counts items, not bytes. len(ffi.from_buffer(data)) (or "
                "memoryview(data).nbytes) is the size in bytes."
            )
        elif _c_update(built, raw, start) != expected:
            message += (
                " lib.adler32_update itself gives a wrong answer on these bytes: fix its loop in "
                "batch_build.py (see the check test_update_in_c)."
            )
        pytest.fail(message)

    if calls != 1 and not (calls == 0 and not raw):
        if calls == 0:
            pytest.fail(
                f"{call} returned the right value, but C counted no call at all. Keep the line "
                "COUNT_CALL(data, length); at the top of adler32_update in batch_build.py, and "
                "compute the checksum in C."
            )
        per_byte = " one per byte:" if calls >= len(raw) > 1 else ""
        pytest.fail(
            f"{call} returned the right value, but made {calls:,} calls to C,{per_byte} expected exactly "
            "one. Pass the whole buffer to lib.adler32_update in a single call: the loop over the bytes "
            "belongs in C, where it costs nanoseconds instead of a call through CFFI per byte."
        )
    if calls == 1 and last_length != len(raw):
        pytest.fail(
            f"{call}: lib.adler32_update received the length {last_length:,}, expected {len(raw):,} "
            "(the size of the data in bytes)."
        )
    if calls == 1 and not memoryview(data).readonly and raw:
        received, own = _address(ffi, lib.last_data), _own_address(ffi, data)
        if received != own:
            pytest.fail(
                f"{call} returned the right value, but C did not read the caller's own memory: "
                f"lib.adler32_update received the address {received:#x}, and the data lives at "
                f"{own:#x}. The data was copied first (bytes(data), ffi.new(...), a list, .tobytes()): a "
                "copy costs time and memory in proportion to the data, often more than the checksum "
                "itself. ffi.from_buffer(data) gives C the object's own bytes, with no copy."
            )


def _itemsize(data) -> int:
    return max(1, memoryview(data).itemsize)


def test_update_in_c(built):
    """adler32_update called directly: the C loop, on its own."""
    rng = random.Random(12)
    cases = [
        (b"", 1),
        (b"Wikipedia", 1),
        (b"a", 1),
        (bytes(range(256)), 1),
        (rng.randbytes(5000), 1),
        (b"\xff" * BIG, 1),
        (b"more data", zlib.adler32(b"some ")),
    ]
    for data, start in cases:
        expected = zlib.adler32(data, start)
        _reset(built)
        got = _c_update(built, data, start)
        shown = repr(data) if len(data) <= 12 else f"<{len(data):,} bytes {data[:6]!r}...>"
        if got != expected:
            hint = ""
            if got == start:
                hint = (
                    " That is the start value, unchanged: the loop over the bytes is not written yet (the TODO "
                    "in adler32_update)."
                )
            elif len(data) >= BIG and data[:1] == b"\xff":
                hint = (
                    " It is right on small data and wrong on a megabyte of 0xFF: the sums overflow 32 bits. "
                    "Reduce a and b modulo ADLER_MOD as you go, as adler32_step does."
                )
            elif len(data) > 1 and got == zlib.adler32(data[1:], start):
                hint = " That is the checksum without the first byte: the loop starts one byte too late."
            elif len(data) > 1 and got == zlib.adler32(data[:-1], start):
                hint = " That is the checksum without the last byte: the loop stops one byte too early."
            pytest.fail(
                f"lib.adler32_update({start}, {shown}, {len(data):,}) returned {got}, expected {expected} "
                f"(zlib.adler32). Fix its loop in batch_build.py.{hint}"
            )
        if built.lib.calls != 1:
            pytest.fail(
                f"lib.adler32_update({start}, {shown}, {len(data):,}) counted {built.lib.calls} calls, "
                "expected 1: keep the line COUNT_CALL(data, length); at its top, and do not call "
                "adler32_step from it."
            )


def test_checksum_bytes(batch_module, built):
    for data in (b"Wikipedia", b"a", bytes(range(256)) * 3, random.Random(1).randbytes(10_000)):
        _check(batch_module, built, data)


def test_checksum_empty(batch_module, built):
    for data in (b"", bytearray(), array("d"), memoryview(bytearray(b"abc"))[1:1]):
        _check(batch_module, built, data)


def test_checksum_bytearray(batch_module, built):
    rng = random.Random(2)
    for size in (1, 7, 4096, 100_000):
        _check(batch_module, built, bytearray(rng.randbytes(size)))
    _check(batch_module, built, bytearray(b"\xff" * BIG))


def test_checksum_array(batch_module, built):
    """array.array of several item types: C gets the bytes, and their number in bytes."""
    _check(batch_module, built, array("d", [0.5, -2.0, 1e300, 3.25]))
    _check(batch_module, built, array("i", range(-50, 50)))
    _check(batch_module, built, array("B", range(256)))
    _check(batch_module, built, array("d", range(200_000)))


def test_checksum_memoryview(batch_module, built):
    """A memoryview on part of a buffer: C must read exactly that part, where it lies."""
    data = bytearray(random.Random(3).randbytes(1000))
    _check(batch_module, built, memoryview(data))
    _check(batch_module, built, memoryview(data)[100:900])
    numbers = array("d", range(100))
    _check(batch_module, built, memoryview(numbers)[10:20])
    _check(batch_module, built, memoryview(b"read-only bytes")[5:])


def test_checksum_continues(batch_module, built):
    """checksum(b, checksum(a)) is the checksum of a + b: the start value goes to C."""
    first = b"The quick brown fox "
    rest = bytearray(b"jumps over the lazy dog")
    _check(batch_module, built, rest, zlib.adler32(first))
    _check(batch_module, built, array("i", range(1000)), zlib.adler32(b"prefix"))


class _OtherAnswer(LibSpy):
    """Stands in for lib: adler32_update answers C's checksum plus OFFSET, which is not the checksum. A
    checksum() that calls C and then returns zlib.adler32(data, start) computed again in Python is right for
    every input; only this tells it from one that returns what C returned."""

    OFFSET = 1000

    def wrap(self, name, target):
        call = super().wrap(name, target)
        if name != "adler32_update":
            return call
        return lambda *args: call(*args) + self.OFFSET


def test_checksum_is_what_c_returned(batch_module, built, monkeypatch):
    spy = install_lib_spy(batch_module, built, monkeypatch, _OtherAnswer(built.lib))
    func = getattr(batch_module, "checksum", None)
    if not callable(func):
        pytest.fail("batch.py has no function `checksum`: keep the `def checksum(data, start=1):` of the starter file.")
    data = b"Wikipedia"
    try:
        got = func(data)
    except Exception as exc:
        pytest.fail(f"checksum({data!r}) raised {type(exc).__name__}: {exc}")
    if spy.last("adler32_update") is None:
        pytest.fail(
            f"checksum({data!r}) returned {got!r} without calling lib.adler32_update: the checksum must "
            "be computed by C, in one call."
        )
    answer = zlib.adler32(data) + _OtherAnswer.OFFSET
    if got != answer:
        again = (
            " That is the right checksum, but not the number C returned: checksum() computed it again in "
            "Python (zlib) after the call."
            if got == zlib.adler32(data)
            else ""
        )
        pytest.fail(
            f"checksum({data!r}) returned {got!r}, while the grader's stand-in for lib.adler32_update "
            f"returned {answer} (the checksum plus {_OtherAnswer.OFFSET}: a number of its own, to see whose "
            f"number comes back).{again} Return what lib.adler32_update returns."
        )
