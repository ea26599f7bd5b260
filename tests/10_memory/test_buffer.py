"""Grader for 10_memory/buffer: a C object destroyed exactly once, by ffi.gc, close() or `with`.

buffer_build.py (given) compiles ``_buffer_cffi``: bb_new/bb_free and friends,
plus counters the grader reads: ``bb_live()`` (buffers not destroyed yet),
``bb_destroyed()`` (bb_free calls that destroyed one) and ``bb_misuses()``
(calls given a buffer that was destroyed already: a double free or a use after
free, which this library detects instead of crashing).

Checked through buffer.py's class only: appending and reading back (NULs
included, growing past the capacity); a collected Buffer is destroyed once;
close() destroys at once, twice is harmless, and the collector does not
destroy it again; a closed Buffer raises ValueError and never hands C the
dead pointer; `with` closes, also when its block raises (and lets the
exception through); NULL from bb_new is a MemoryError; thousands of Buffers
made and dropped leave nothing behind.
"""

from __future__ import annotations

import operator

import pytest

from grader.testing import CCounters, LibSpy, collect_garbage, install_lib_spy

BUILDER = "buffer_build.py"


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def buffer_module(exercise, built):
    return exercise.import_module("buffer")


collect = collect_garbage


@pytest.fixture
def counts(built):
    lib = built.lib
    return CCounters(lambda: (lib.bb_live(), lib.bb_destroyed(), lib.bb_misuses()))


def _cls(buffer_module):
    cls = getattr(buffer_module, "Buffer", None)
    if not isinstance(cls, type):
        pytest.fail("buffer.py has no class Buffer: keep the starter's `class Buffer:`.")
    return cls


def _do(text, func, *args):
    try:
        return func(*args)
    except NotImplementedError:
        pytest.fail(f"{text} raised NotImplementedError: replace the TODOs of buffer.py with your code.")
    except Exception as exc:
        pytest.fail(f"{text} raised {type(exc).__name__}: {exc}")


def _new(buffer_module, *args):
    text = f"Buffer({', '.join(map(repr, args))})"
    return text, _do(text, _cls(buffer_module), *args)


def _misuse_message(what: str, misuses: int) -> str:
    return (
        f"{what}: a bb_* function was given a buffer that was already destroyed ({misuses} time"
        f"{'s' if misuses != 1 else ''}). A second bb_free is a double free, and a call on a destroyed buffer "
        "is a use after free: in a library without this check, both corrupt memory or crash. The usual cause: "
        "bb_free called by hand (in close() or __del__) while ffi.gc() still owns the pointer and calls it "
        "again. Let one owner free it: ffi.release(p) runs the ffi.gc destructor now, and never again."
    )


def _check_misuses(counts, what):
    misuses = counts.delta()[2]
    if misuses:
        pytest.fail(_misuse_message(what, misuses))


def test_append_and_getvalue(buffer_module, counts):
    text, buf = _new(buffer_module, 8)
    parts = [b"hello", b" ", b"wor\0ld", b"", b"!" * 300]
    for part in parts:
        _do(f"{text}.append({part[:20]!r}{'...' if len(part) > 20 else ''})", buf.append, part)
    want = b"".join(parts)
    got = _do(f"{text}.getvalue()", buf.getvalue)
    if got != want:
        pytest.fail(
            f"After appending {len(parts)} parts ({len(want)} bytes in all) to {text}, getvalue() returned "
            f"{got[:60]!r}{'...' if len(got) > 60 else ''} ({len(got) if isinstance(got, bytes) else '?'} "
            f"bytes), expected {want[:60]!r}... ({len(want)} bytes). It must be bytes, NULs included: "
            "ffi.unpack(lib.bb_data(p), lib.bb_size(p)), not ffi.string(), which stops at the first NUL."
        )
    length = _do(f"len({text})", len, buf)
    if length != len(want):
        pytest.fail(f"len(buf) returned {length!r} after {len(want)} bytes were appended, expected {len(want)}.")
    _check_misuses(counts, "Appending and reading")


def test_a_collected_buffer_is_destroyed_once(buffer_module, counts):
    text, buf = _new(buffer_module, 16)
    _do(f"{text}.append(b'data')", buf.append, b"data")
    live, destroyed, misuses = counts.delta()
    if live != 1:
        pytest.fail(f"After {text}, {live} more C buffers were alive, expected 1: Buffer() must call lib.bb_new once.")
    del buf
    collect()
    live, destroyed, misuses = counts.delta()
    if misuses:
        pytest.fail(_misuse_message("When a Buffer was garbage-collected", misuses))
    if live != 0 or destroyed != 1:
        pytest.fail(
            f"After `del buf` (its only reference) and gc.collect(), bb_free destroyed {destroyed} buffers, "
            "expected 1, and the C buffer is " + ("still alive" if live else "gone") + ". Python's collector "
            "does not know C memory exists: tie bb_free to the object, self._p = ffi.gc(lib.bb_new(...), "
            "lib.bb_free), so that it runs when the cdata dies."
        )


def test_close_destroys_at_once_and_only_once(buffer_module, counts):
    text, buf = _new(buffer_module)
    _do(f"{text}.close()", buf.close)
    live, destroyed, _ = counts.delta()
    if live != 0 or destroyed != 1:
        pytest.fail(
            f"Right after {text}.close() (no gc.collect() yet), bb_free had destroyed {destroyed} buffers, "
            "expected 1: close() must free the C buffer now, not leave it to the collector. ffi.release(p) "
            "runs the ffi.gc destructor immediately."
        )
    closed = _do(f"{text}.closed", operator.attrgetter("closed"), buf)
    if closed is not True:
        pytest.fail(f"After close(), buf.closed is {closed!r}, expected True.")
    _do(f"{text}.close() a second time", buf.close)
    del buf
    collect()
    live, destroyed, _ = counts.delta()
    _check_misuses(counts, "After close(), a second close() and the Buffer's collection")
    if destroyed != 1:
        pytest.fail(f"close(), close() again, then collection: bb_free destroyed {destroyed} buffers, expected 1.")


def test_a_closed_buffer_raises_valueerror(buffer_module, counts):
    text, buf = _new(buffer_module)
    _do(f"{text}.append(b'x')", buf.append, b"x")
    _do(f"{text}.close()", buf.close)
    for what, func in (
        ("append(b'more')", lambda: buf.append(b"more")),
        ("getvalue()", buf.getvalue),
        ("len(buf)", lambda: len(buf)),
    ):
        try:
            got = func()
        except ValueError:
            continue
        except NotImplementedError:
            pytest.fail(f"{what} raised NotImplementedError: replace the TODOs of buffer.py with your code.")
        except Exception as exc:
            pytest.fail(
                f"After close(), {what} raised {type(exc).__name__}: {exc}; expected ValueError (as a "
                "closed Python file does)."
            )
        else:
            detail = ""
            if counts.delta()[2]:
                detail = (
                    " Worse, it handed C the destroyed buffer: after ffi.release(), the cdata still holds the "
                    "old address, and C would read freed memory. Forget the pointer when you close "
                    "(self._p = None) and check it first in every method."
                )
            pytest.fail(f"After close(), {what} returned {got!r} instead of raising ValueError.{detail}")
    _check_misuses(counts, "Using a closed Buffer")


def test_with_block_closes(buffer_module, counts):
    cls = _cls(buffer_module)
    with _do("Buffer().__enter__()", cls().__enter__) as buf:
        if not isinstance(buf, cls):
            pytest.fail(f"`with Buffer() as buf` gave buf = {buf!r}, expected the Buffer: __enter__ returns self.")
        _do("buf.append(b'abc')", buf.append, b"abc")
    live, destroyed, _ = counts.delta()
    if live != 0 or destroyed != 1:
        pytest.fail(
            f"At the end of a `with Buffer() as buf:` block, {live} C buffers were still alive and bb_free "
            f"had destroyed {destroyed}, expected 0 and 1: __exit__ must close the buffer."
        )


def test_with_block_closes_when_it_raises(buffer_module, counts):
    cls = _cls(buffer_module)

    class Boom(Exception):
        pass

    try:
        with _do("Buffer().__enter__()", cls().__enter__) as buf:
            buf.append(b"abc")
            raise Boom("raised inside the with block")
    except Boom:
        pass
    except NotImplementedError:
        pytest.fail("Buffer's __exit__ raised NotImplementedError: replace the TODOs of buffer.py with your code.")
    else:
        pytest.fail(
            "An exception raised inside `with Buffer() as buf:` vanished: __exit__ returned a true value, "
            "which tells Python to swallow it. Return None (or False)."
        )
    live, destroyed, _ = counts.delta()
    if live != 0 or destroyed != 1:
        pytest.fail(
            "When the body of `with Buffer() as buf:` raises, the C buffer must still be destroyed on the "
            f"way out: {live} were still alive, bb_free had destroyed {destroyed}, expected 0 and 1."
        )
    _check_misuses(counts, "A with block that raised")


def test_null_is_a_memoryerror(buffer_module, built, counts):
    too_big = built.lib.BB_MAX_CAPACITY + 1
    text = f"Buffer({too_big})"
    try:
        got = _cls(buffer_module)(too_big)
    except MemoryError:
        pass
    except NotImplementedError:
        pytest.fail(f"{text} raised NotImplementedError: replace the TODOs of buffer.py with your code.")
    except Exception as exc:
        pytest.fail(
            f"{text} raised {type(exc).__name__}: {exc}; expected MemoryError: bb_new returns NULL when "
            f"the capacity is over {built.lib.BB_MAX_CAPACITY}."
        )
    else:
        pytest.fail(
            f"{text} returned {got!r}; expected MemoryError. bb_new returned NULL (the capacity is over "
            f"{built.lib.BB_MAX_CAPACITY}): check `p == ffi.NULL` before wrapping it, or every later call "
            "hands C a NULL pointer."
        )
    collect()
    _check_misuses(counts, f"After {text}")


def test_thousands_of_buffers_leave_nothing_behind(buffer_module, counts):
    cls = _cls(buffer_module)
    for i in range(2000):
        buf = _do("Buffer(32)", cls, 32)
        buf.append(b"x" * (i % 50))
        if i % 3 == 0:
            buf.close()
    del buf
    collect()
    live, destroyed, misuses = counts.delta()
    if misuses:
        pytest.fail(_misuse_message("Making 2000 Buffers (closing a third of them) and dropping them", misuses))
    if live != 0 or destroyed != 2000:
        pytest.fail(
            f"After making 2000 Buffers (closing a third of them), dropping them and gc.collect(), {live} C "
            f"buffers were still alive and bb_free had destroyed {destroyed}, expected 0 and 2000."
        )


class _OneByteLess(LibSpy):
    """Stands in for lib: bb_size answers one byte less than C holds. A Buffer that keeps a copy of what it
    appended in Python and answers getvalue() and len() from it is right for every buffer; only this tells it
    from one that reads what C holds."""

    def wrap(self, name, target):
        call = super().wrap(name, target)
        if name != "bb_size":
            return call
        return lambda *args: max(call(*args) - 1, 0)


def test_getvalue_and_len_come_from_c(buffer_module, built, monkeypatch, counts):
    spy = install_lib_spy(buffer_module, built, monkeypatch, _OneByteLess(built.lib))
    text, buf = _new(buffer_module, 8)
    _do(f"{text}.append(b'abc\\0def')", buf.append, b"abc\0def")
    got = _do(f"{text}.getvalue()", buf.getvalue)
    length = _do(f"len({text})", len, buf)
    if "bb_size" not in spy.names() or got != b"abc\0de" or length != 6:
        pytest.fail(
            f"After {text}.append(b'abc\\0def'), getvalue() returned {got!r} and len() {length!r}, while "
            "the grader's stand-in for lib.bb_size answered 6, one byte less than the 7 appended (to see "
            "where the answers come from): expected b'abc\\x00de' and 6. Read the bytes and the size from "
            "C (lib.bb_data(p), lib.bb_size(p)), not from a copy kept in Python: the C buffer is the one "
            "that holds them."
        )
    _do(f"{text}.close()", buf.close)
    _check_misuses(counts, "Reading through the stand-in")
