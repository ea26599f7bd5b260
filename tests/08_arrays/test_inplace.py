"""Grader for 08_arrays/inplace: C changes a bytearray in place, through ffi.from_buffer, with no copy.

inplace_build.py (given) compiles ``_inplace_cffi`` with
``xor_bytes(unsigned char *data, size_t length, unsigned char key)``, which
XORs the bytes in place and stores the address it received in the C global
``last_data``. inplace.py's ``xor_inplace(data, key)`` must change the very
object it is given (the caller's bytearray, or a memoryview on part of one)
and return None. Zero copy is proved by address: ``last_data`` must equal the
address of the bytearray's own bytes, ``ffi.from_buffer(data)``; a copy made
with ``ffi.new`` (even copied back) lives elsewhere. A read-only ``bytes``
object must be refused (BufferError) and left unchanged.
"""

from __future__ import annotations

import pytest

from grader.testing import LibSpy, install_lib_spy

BUILDER = "inplace_build.py"


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def real_lib(built):
    """The compiled lib itself: while a spy is installed, built.lib is the spy, and the C global
    last_data must be written on the real one."""
    return built.lib


@pytest.fixture(scope="module")
def inplace_module(exercise, built):
    return exercise.import_module("inplace")


@pytest.fixture
def spy(inplace_module, built, real_lib, monkeypatch):
    return install_lib_spy(inplace_module, built, monkeypatch, LibSpy(real_lib))


def _address(ffi, cdata) -> int:
    return int(ffi.cast("uintptr_t", cdata))


def _xor(data: bytes, key: int) -> bytes:
    return bytes(b ^ key for b in data)


def _show(data) -> str:
    data = bytes(data)
    return repr(data) if len(data) <= 40 else f"{data[:20]!r}... ({len(data)} bytes)"


def _call(inplace_module, built, spy, data, key, shown: str):
    """Call xor_inplace(data, key) with lib.last_data reset: (call text, result)."""
    func = getattr(inplace_module, "xor_inplace", None)
    if not callable(func):
        pytest.fail(
            "inplace.py has no function `xor_inplace`: keep the `def xor_inplace(data, key):` of the starter file."
        )
    call = f"xor_inplace({shown}, {key})"
    spy.lib.last_data = built.ffi.NULL
    try:
        return call, func(data, key)
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in xor_inplace() with your code.")
    except TypeError as exc:
        hint = ""
        if "cdata pointer" in str(exc) and "bytearray" in str(exc):
            hint = (
                " CFFI does not turn a bytearray into a C pointer by itself: ffi.from_buffer(data) gives a "
                "cdata that points to the bytearray's own bytes."
            )
        pytest.fail(f"{call} raised TypeError: {exc}.{hint}")
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")


def _check(inplace_module, built, spy, data: bytearray, key: int, shown: str = "") -> None:
    """xor_inplace(data, key) must change data itself, through C, without a copy."""
    ffi, lib = built.ffi, spy.lib
    before = bytes(data)
    shown = shown or f"bytearray({_show(before)})"
    spy.calls.clear()
    call, got = _call(inplace_module, built, spy, data, key, shown)
    if got is not None and got is not data:
        if bytes(data) == before:
            pytest.fail(
                f"{call} returned a new object, {type(got).__name__}, and left the bytearray it was given "
                f"unchanged ({_show(data)}). The task is to change the caller's object in place: C writes "
                "into the memory of the bytearray itself, and the function returns None."
            )
        pytest.fail(
            f"{call} returned {type(got).__name__} object; expected None, as list.sort() does: the change "
            "happens in the object given."
        )
    if not spy.last("xor_bytes"):
        pytest.fail(f"{call} never called lib.xor_bytes: the bytes must be changed by C.")
    expected = _xor(before, key)
    if bytes(data) != expected:
        if bytes(data) == before:
            pytest.fail(
                f"{call} left the bytearray unchanged ({_show(data)}); expected {_show(expected)}. C "
                "changed some other memory: a copy. Give C the bytearray's own memory, "
                "ffi.from_buffer(data), and nothing needs copying back."
            )
        pytest.fail(
            f"{call} changed the bytearray into {_show(data)}; expected {_show(expected)}. Pass "
            "xor_bytes the length in bytes, len(data), and the key."
        )
    if len(before) == 0:
        return
    seen = _address(ffi, lib.last_data)
    mine = _address(ffi, ffi.from_buffer(data))
    if seen != mine:
        pytest.fail(
            f"{call}: C wrote to the memory at {seen:#x}, but the bytes of the object you were given are at "
            f"{mine:#x}, so C worked on a copy{' (and the result was copied back)' if bytes(data) != before else ''}"
            ". Copies cost time and twice the memory, for every call and every byte: a 1 GB buffer would need "
            "another 1 GB. ffi.from_buffer(data) gives C a pointer to the bytearray's own bytes, so C changes "
            "them where they are, and nothing is copied in either direction."
        )


def test_small(inplace_module, built, spy):
    _check(inplace_module, built, spy, bytearray(b"Hello, world"), 0x20)


def test_every_byte_value_and_key(inplace_module, built, spy):
    for key in (0x00, 0x01, 0x5A, 0xFF):
        _check(inplace_module, built, spy, bytearray(range(256)), key)


def test_caller_sees_the_change(inplace_module, built, spy):
    data = bytearray(b"shared by two names")
    alias = data
    _check(inplace_module, built, spy, data, 0x42)
    if alias is not data or bytes(alias) != _xor(b"shared by two names", 0x42):
        pytest.fail("after xor_inplace(data, 66), another name for the same bytearray does not see the change.")


def test_large_buffer_not_copied(inplace_module, built, spy):
    data = bytearray(range(256)) * (16 * 1024)  # 4 MiB
    _check(inplace_module, built, spy, data, 0xA5, shown="bytearray(<4 MiB>)")


def test_memoryview_of_part(inplace_module, built, spy):
    ffi, lib = built.ffi, spy.lib
    data = bytearray(b"0123456789")
    window = memoryview(data)[2:6]
    call, _ = _call(inplace_module, built, spy, window, 1, "memoryview(bytearray(b'0123456789'))[2:6]")
    expected = b"01" + _xor(b"2345", 1) + b"6789"
    if bytes(data) != expected:
        pytest.fail(
            f"{call} left the bytearray as {bytes(data)!r}; expected {expected!r}: only the 4 bytes the "
            "memoryview covers change, in the bytearray under it. ffi.from_buffer() accepts any object "
            "with a buffer, a memoryview too, and its length in bytes is len(ffi.from_buffer(data))."
        )
    seen = _address(ffi, lib.last_data)
    mine = _address(ffi, ffi.from_buffer(data)) + 2
    if seen != mine:
        pytest.fail(
            f"{call}: C wrote to the memory at {seen:#x}, but the memoryview's bytes are at {mine:#x}: "
            "C worked on a copy. ffi.from_buffer(data) points C at the memoryview's own bytes."
        )


def test_empty(inplace_module, built, spy):
    data = bytearray()
    call, got = _call(inplace_module, built, spy, data, 7, "bytearray()")
    if data != bytearray() or (got is not None and got is not data):
        pytest.fail(f"{call} returned {got!r} and left {data!r}; expected None and an empty bytearray.")


def test_bytes_refused(inplace_module, built, spy):
    original = b"read-only bytes, do not change"
    data = bytes(bytearray(original))  # a private copy: if C writes into it, nothing else is harmed
    func = getattr(inplace_module, "xor_inplace", None)
    call = f"xor_inplace({original!r}, 1)"
    if not callable(func):
        pytest.fail("inplace.py has no function `xor_inplace`.")
    try:
        got = func(data, 1)
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in xor_inplace() with your code.")
    except (BufferError, TypeError):
        got = None
        raised = True
    else:
        raised = False
    if data != original:
        pytest.fail(
            f"{call} changed the bytes object into {data!r}. A bytes object is immutable: Python shares "
            "it freely and never expects it to change, yet ffi.from_buffer() gives C a pointer to it all "
            "the same. Ask for ffi.from_buffer(data, require_writable=True): it raises BufferError for a "
            "read-only object."
        )
    if not raised:
        pytest.fail(
            f"{call} returned {got!r}; expected BufferError, since bytes cannot be changed in place. "
            "ffi.from_buffer(data, require_writable=True) raises it for you."
        )
