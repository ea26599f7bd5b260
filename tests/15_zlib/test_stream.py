"""Grader for 15_zlib/stream: a decompressor over z_stream, fed a chunk at a time.

stream_build.py (given) compiles ``_stream_cffi``: zlib's inflateInit(), inflate(),
inflateEnd() and a partial z_stream. Python's zlib module makes the compressed data.

Checked: one chunk, chunks of 1, 7 and 1000 bytes and empty chunks give back the data,
including 1 MB from a 1 kB chunk (inflate() called until it leaves room in the output
buffer); eof is set at the stream's end; flush() of a stream cut short raises
ZlibError(Z_BUF_ERROR); corrupt data mid-stream raises ZlibError(Z_DATA_ERROR) with zlib's
own message. A spy counts, per z_stream, the inflateInit() and inflateEnd() calls:
exactly one inflateEnd() after close() (twice), a `with` block (also one that raises),
flush(), an error, and for a Decompressor dropped unclosed; a closed one raises
ValueError and calls nothing. Keep-alive: ``ffi.new`` poisons what it frees, and before
each inflate() the spy collects garbage and checks that the z_stream, next_in and next_out
point into memory that is still alive.
"""

from __future__ import annotations

import random
import sys
import zlib

import pytest

from grader.testing import LibSpy, build_with_system_library, collect_garbage, install_lib_spy, install_poisoning_ffi

ZLIB_INSTALL = (
    "Install zlib's development files (Debian/Ubuntu: sudo apt install zlib1g-dev; Fedora: sudo dnf "
    "install zlib-devel; macOS: xcode-select --install; Windows: conda install zlib), then grade again. "
    "lessons/15-zlib.md says more; nox -s doctor checks it."
)
BUILDER = "stream_build.py"
TEXT = b"".join(b"%d: %s\n" % (i, b"abcdefghij"[: i % 10] * (i % 7)) for i in range(12000))
SHORT = TEXT[:20000]
ZEROS = bytes(1 << 20)


@pytest.fixture(scope="module")
def built(exercise):
    # The builder is given and links the system's zlib: without zlib the checks skip, saying so.
    return build_with_system_library(
        exercise, BUILDER, "zlib.h", "zlib" if sys.platform == "win32" else "z", ZLIB_INSTALL
    )


@pytest.fixture(scope="module")
def module(exercise, built):
    return exercise.import_module("stream")


class _StreamSpy(LibSpy):
    """Counts inflateInit/inflateEnd per z_stream address; notes inflate() on a stream that was
    ended or never started; with ``allocator``, checks before each inflate() that the memory
    it will use is alive (and stops the call if it is not)."""

    def __init__(self, built, allocator=None):
        super().__init__(built.lib, built.ffi)
        self.allocator = allocator
        self.inits: dict[int, int] = {}
        self.ends: dict[int, int] = {}
        self.problems: list[str] = []

    def record(self, name, args):
        address = int(self.ffi.cast("uintptr_t", args[0])) if args and isinstance(args[0], self.ffi.CData) else None
        if name == "inflateInit":
            self.inits[address] = self.inits.get(address, 0) + 1
            self.ends.pop(address, None)  # a new stream at a reused address
        elif name == "inflateEnd":
            self.ends[address] = self.ends.get(address, 0) + 1
        elif name == "inflate":
            if self.ends.get(address):
                self.problems.append("inflate() was called with a z_stream that inflateEnd() had already ended")
                raise RuntimeError("the grader stopped inflate(): its z_stream was already ended")
            if self.allocator is not None:
                self._check_alive(args[0])
        return (name, address)

    def _check_alive(self, stream):
        collect_garbage()  # on PyPy too, whatever nothing refers to is freed (and poisoned) now
        ffi, alloc = self.ffi, self.allocator
        found = []
        if alloc.is_freed(stream):
            found.append("the z_stream itself")
        else:
            if stream.avail_in and alloc.is_freed(stream.next_in):
                found.append(f"next_in (avail_in={stream.avail_in})")
            if stream.avail_out and alloc.is_freed(stream.next_out):
                found.append(f"next_out (avail_out={stream.avail_out})")
        if found:
            self.problems.append(
                f"inflate() was about to read through {' and '.join(found)}, which points into memory from ffi.new() "
                "that was already freed: nothing kept its owner alive. Assigning to a pointer field does not keep the "
                "cdata alive; keep the owner in a variable or an attribute for as long as C uses it."
            )
            raise RuntimeError("the grader stopped inflate(): it would read freed memory")
        del ffi

    def count_ends(self):
        """(streams initialised, a list of (address, inflateEnd calls) for those not ended exactly once)."""
        return len(self.inits), [(a, self.ends.get(a, 0)) for a in self.inits if self.ends.get(a, 0) != 1]


@pytest.fixture
def spy(module, built, monkeypatch):
    return install_lib_spy(module, built, monkeypatch, _StreamSpy(built))


def _new(module):
    cls = getattr(module, "Decompressor", None)
    if not isinstance(cls, type):
        pytest.fail("stream.py has no class Decompressor: keep the starter's class.")
    try:
        return cls()
    except NotImplementedError:
        pytest.fail("Decompressor() raised NotImplementedError: replace the TODOs of stream.py with your code.")


def _feed(module, spy, d, what, data):
    try:
        return d.decompress(data)
    except NotImplementedError:
        pytest.fail(f"{what} raised NotImplementedError: replace its TODO with your code.")
    except Exception:
        if spy.problems:
            pytest.fail(f"{what}: {spy.problems[0]}")
        raise


def _flush(spy, d, what):
    try:
        return d.flush()
    except NotImplementedError:
        pytest.fail(f"{what} raised NotImplementedError: replace its TODO with your code.")
    except Exception:
        if spy.problems:
            pytest.fail(f"{what}: {spy.problems[0]}")
        raise


def _run(module, spy, data, size, label):
    """Feed zlib.compress(data) in chunks of `size` bytes, then flush: the output must be data."""
    stream = zlib.compress(data)
    d = _new(module)
    out = []
    for start in range(0, len(stream), size):
        out.append(
            _feed(
                module,
                spy,
                d,
                f"Decompressor().decompress() of chunk {start // size + 1} ({label})",
                stream[start : start + size],
            )
        )
    if not getattr(d, "eof", False):
        so_far = b"".join(o for o in out if isinstance(o, bytes))
        detail = ""
        if len(so_far) < len(data) and so_far == data[: len(so_far)]:
            detail = (
                f" The output so far is right but short: {len(so_far)} of {len(data)} bytes. When inflate() "
                "fills the whole output buffer (avail_out == 0), more output may be waiting: call it again, "
                "with the buffer emptied, until it leaves room."
            )
        pytest.fail(
            f"after all {len(stream)} bytes of the stream ({label}), eof is {getattr(d, 'eof', None)!r}; "
            f"expected True: inflate() returned Z_STREAM_END.{detail}"
        )
    out.append(_flush(spy, d, f"flush() after the whole stream ({label})"))
    got = b"".join(o if isinstance(o, bytes) else b"?" for o in out)
    if any(not isinstance(o, bytes) for o in out):
        pytest.fail(
            f"decompress()/flush() ({label}) returned {type(next(o for o in out if not isinstance(o, bytes)))}"
            "; expected bytes."
        )
    if got != data:
        same = next((i for i, (a, b) in enumerate(zip(got, data)) if a != b), min(len(got), len(data)))
        detail = ""
        if len(got) < len(data) and got == data[: len(got)]:
            detail = (
                " The output stops early: when inflate() fills the whole output buffer (avail_out == 0), more "
                "output may be waiting: call it again, with the buffer emptied, until it leaves room."
            )
        pytest.fail(
            f"decompressing {len(stream)} bytes ({label}) gave {len(got)} bytes; expected the {len(data)} "
            f"bytes compressed, which first differ at byte {same}.{detail}"
        )
    return d


@pytest.mark.parametrize(
    ("data", "size", "label"),
    [
        (TEXT, None, "one chunk"),
        (ZEROS, None, "1 MB of zeros from one small chunk"),
        (SHORT, 1, "1-byte chunks"),
        (SHORT, 7, "7-byte chunks"),
        (TEXT, 1000, "1000-byte chunks"),
    ],
    ids=["one-chunk", "zeros", "1-byte", "7-byte", "1000-byte"],
)
def test_decompress(module, spy, data, size, label):
    _run(module, spy, data, size or len(zlib.compress(data)), label)


def test_uneven_and_empty_chunks(module, spy):
    stream = zlib.compress(TEXT)
    rng = random.Random(15)
    d, out, start = _new(module), [], 0
    while start < len(stream):
        out.append(_feed(module, spy, d, "decompress(b'')", b""))
        size = rng.choice([1, 2, 3, 50, 4096, 20000])
        out.append(_feed(module, spy, d, f"decompress() of {size} bytes", stream[start : start + size]))
        start += size
    out.append(_flush(spy, d, "flush()"))
    if b"".join(out) != TEXT:
        pytest.fail(
            f"chunks of 1 to 20000 bytes with empty chunks between gave {len(b''.join(out))} bytes; "
            f"expected the {len(TEXT)} compressed. decompress(b'') must return b'' and change nothing."
        )


def _error_class(module):
    cls = getattr(module, "ZlibError", None)
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        pytest.fail("stream.py has no exception class ZlibError: keep the starter's class.")
    return cls


def _ends(spy, what):
    collect_garbage()
    started, wrong = spy.count_ends()
    if not started:
        pytest.fail(f"{what}: lib.inflateInit() was never called: each Decompressor starts its z_stream with it.")
    if wrong:
        calls = wrong[0][1]
        why = (
            "zlib's state is never freed: tie lib.inflateEnd to the z_stream with ffi.gc(), and release it in close()"
            if calls == 0
            else "one z_stream ended more than once: the ffi.gc() object is the only owner; close() releases it "
            "(ffi.release) instead of calling inflateEnd itself"
        )
        pytest.fail(f"{what}: inflateEnd() was called {calls} times for a z_stream; expected exactly once: {why}.")


def test_flush_of_a_truncated_stream(module, built, spy):
    stream = zlib.compress(TEXT)
    d = _new(module)
    _feed(module, spy, d, "decompress() of the first half of the stream", stream[: len(stream) // 2])
    error = _error_class(module)
    try:
        got = d.flush()
    except error as exc:
        if exc.code != built.lib.Z_BUF_ERROR:
            pytest.fail(
                f"flush() of a stream cut in half raised ZlibError with code {exc.code}; expected "
                f"Z_BUF_ERROR ({built.lib.Z_BUF_ERROR})."
            )
    else:
        pytest.fail(
            f"flush() of a stream cut in half returned {len(got) if isinstance(got, bytes) else got!r}"
            f"{' bytes' if isinstance(got, bytes) else ''}; expected ZlibError(Z_BUF_ERROR): the data ended "
            "before the stream's end (eof is still False)."
        )
    del d
    _ends(spy, "flush() of a truncated stream, then the Decompressor dropped")


def test_corrupt_data_mid_stream(module, built, spy):
    stream = zlib.compress(TEXT)
    bad = stream[:100] + b"\xff" * 50
    try:
        zlib.decompress(bad)
    except zlib.error as exc:
        reason = str(exc).split(": ", 1)[-1]
    d = _new(module)
    first = _feed(module, spy, d, "decompress() of the first 100 bytes", stream[:100])
    error = _error_class(module)
    try:
        more = d.decompress(b"\xff" * 50)
    except error as exc:
        if exc.code != built.lib.Z_DATA_ERROR:
            pytest.fail(
                f"decompress() of corrupt data mid-stream raised ZlibError with code {exc.code}; expected "
                f"Z_DATA_ERROR ({built.lib.Z_DATA_ERROR})."
            )
        if getattr(exc, "message", None) != reason:
            pytest.fail(
                f"decompress() of corrupt data raised ZlibError with message "
                f"{getattr(exc, 'message', None)!r}; expected zlib's own, {reason!r}: the z_stream's msg "
                "field (when it is not NULL) says what went wrong, better than zError(code)."
            )
    else:
        pytest.fail(
            f"decompress() of 50 corrupt bytes after {len(first)} good bytes of output returned "
            f"{more!r:.60}; expected ZlibError(Z_DATA_ERROR): inflate() returned it."
        )
    d.close()
    d.close()
    _ends(spy, "a ZlibError, then close() twice")


def _with_block(module):
    with _new(module) as d:
        d.decompress(zlib.compress(b"abc"))


def _raising_with_block(module):
    class Stop(Exception):
        pass

    try:
        with _new(module):
            raise Stop
    except Stop:
        pass


def _dropped(module):
    d = _new(module)
    d.decompress(zlib.compress(SHORT)[:500])
    del d


def _closed_then_dropped(module):
    d = _new(module)
    d.close()
    d.close()
    del d


@pytest.mark.parametrize(
    "how",
    [_with_block, _raising_with_block, _dropped, _closed_then_dropped],
    ids=["with-block", "with-block-that-raises", "dropped-unclosed", "closed-twice-then-dropped"],
)
def test_inflate_end_exactly_once(module, spy, how):
    try:
        how(module)
    except NotImplementedError:
        pytest.fail("a Decompressor method raised NotImplementedError: replace its TODO with your code.")
    _ends(spy, how.__name__.strip("_").replace("_", " "))


def test_closed_decompressor(module, spy):
    d = _new(module)
    d.close()
    before = len(spy.calls)
    try:
        got = d.decompress(zlib.compress(b"abc"))
    except ValueError:
        pass
    except Exception as exc:
        pytest.fail(f"decompress() after close() raised {type(exc).__name__}: {exc}; expected ValueError.")
    else:
        pytest.fail(f"decompress() after close() returned {got!r}; expected ValueError (the stream is ended).")
    if spy.names()[before:]:
        pytest.fail(f"decompress() after close() called lib.{spy.names()[before]}: check before any call into C.")


def test_buffers_kept_alive(module, built, monkeypatch):
    allocator = install_poisoning_ffi(module, built, monkeypatch)
    spy = install_lib_spy(module, built, monkeypatch, _StreamSpy(built, allocator))
    try:
        _run(module, spy, SHORT, 3000, "3000-byte chunks, garbage collected before every inflate()")
    finally:
        allocator.release()
