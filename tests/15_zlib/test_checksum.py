"""Grader for 15_zlib/checksum: zlib's checksums over any bytes-like object, no copy.

checksum_build.py (given) compiles ``_checksum_cffi``: zlib's adler32() and crc32(), and
libc's snprintf(). The answers are compared with Python's own zlib module, which calls the
same functions (on most systems, of the same library).

Checked: both checksums of bytes (empty, short, long), with the right start values; a
running checksum carried across chunks; a bytearray, a slice of a memoryview and
array.arrays whose items are wider than a byte (the length C gets is in bytes); that C is
given a pointer into the caller's object itself, not into a copy (a spy reads the address
each call receives); label() calls snprintf and returns what it wrote.
"""

from __future__ import annotations

import array
import sys
import zlib

import pytest

from grader.testing import LibSpy, build_with_system_library, install_lib_spy

ZLIB_INSTALL = (
    "Install zlib's development files (Debian/Ubuntu: sudo apt install zlib1g-dev; Fedora: sudo dnf "
    "install zlib-devel; macOS: xcode-select --install; Windows: conda install zlib), then grade again. "
    "lessons/15-zlib.md says more; nox -s doctor checks it."
)
BUILDER = "checksum_build.py"
# Not a multiple of anything: a length cut to whole items or whole words shows.
LONG = bytes(range(256)) * 40 + b"tail!"


@pytest.fixture(scope="module")
def built(exercise):
    # The builder is given and links the system's zlib: without zlib the checks skip, saying so.
    return build_with_system_library(
        exercise, BUILDER, "zlib.h", "zlib" if sys.platform == "win32" else "z", ZLIB_INSTALL
    )


@pytest.fixture(scope="module")
def module(exercise, built):
    return exercise.import_module("checksum")


def _call(module, name, *args):
    func = getattr(module, name, None)
    if not callable(func):
        pytest.fail(f"checksum.py has no function {name}(): keep the starter's `def {name}`.")
    shown = ", ".join(_show(a) for a in args)
    try:
        return func(*args)
    except NotImplementedError:
        pytest.fail(f"checksum.{name}({shown}) raised NotImplementedError: replace its TODO with your code.")
    except Exception as exc:
        pytest.fail(f"checksum.{name}({shown}) raised {type(exc).__name__}: {exc}")


def _show(value) -> str:
    if isinstance(value, (bytes, bytearray)) and len(value) > 20:
        return f"{type(value).__name__} of {len(value)} bytes"
    if isinstance(value, memoryview):
        return f"memoryview of {value.nbytes} bytes"
    if isinstance(value, array.array):
        return f"array.array({value.typecode!r}) of {len(value)} items ({len(value) * value.itemsize} bytes)"
    return repr(value)


CASES = [b"", b"a", b"Wikipedia", LONG]
IDS = ["empty", "a", "Wikipedia", "long"]


@pytest.mark.parametrize("data", CASES, ids=IDS)
def test_adler32_of_bytes(module, data):
    got, want = _call(module, "adler32", data), zlib.adler32(data)
    if got != want:
        hint = (
            " An Adler-32 starts from 1 (value=1 by default), not 0: adler32(b'') is 1."
            if got == zlib.adler32(data, 0)
            else ""
        )
        pytest.fail(f"checksum.adler32({_show(data)}) returned {got!r}; expected {want} (zlib.adler32).{hint}")


@pytest.mark.parametrize("data", CASES, ids=IDS)
def test_crc32_of_bytes(module, data):
    got, want = _call(module, "crc32", data), zlib.crc32(data)
    if got != want:
        pytest.fail(f"checksum.crc32({_show(data)}) returned {got!r}; expected {want} (zlib.crc32).")


@pytest.mark.parametrize("name", ["adler32", "crc32"])
def test_a_running_checksum(module, name):
    pieces = [LONG[:1000], LONG[1000:1001], b"", LONG[1001:]]
    value = None
    for piece in pieces:
        value = _call(module, name, piece) if value is None else _call(module, name, piece, value)
    want = getattr(zlib, name)(LONG)
    if value != want:
        pytest.fail(
            f"checksum.{name}() over 4 chunks of {len(LONG)} bytes, each call given the value the "
            f"previous one returned, ended with {value!r}; expected {want}, the {name} of the whole: "
            f"pass value on to C as its first argument."
        )


def _objects():
    return [
        ("bytearray", bytearray(LONG)),
        ("memoryview-slice", memoryview(LONG)[7:3001]),
        ("array-d", array.array("d", [1.5, -2.25, 1e300, 0.1] * 25)),
        ("array-H", array.array("H", range(1001))),
    ]


@pytest.mark.parametrize("index", range(4), ids=[n for n, _ in _objects()])
@pytest.mark.parametrize("name", ["adler32", "crc32"])
def test_other_buffers(module, name, index):
    _, data = _objects()[index]
    raw = memoryview(data).cast("B").tobytes()
    got, want = _call(module, name, data), getattr(zlib, name)(raw)
    if got != want:
        detail = ""
        if isinstance(data, array.array) and got == getattr(zlib, name)(raw[: len(data)]):
            detail = (
                f" That is the {name} of its first {len(data)} bytes only: len() of an array counts "
                f"items ({data.itemsize} bytes each). Give C the length in bytes: len() of the "
                "ffi.from_buffer() object."
            )
        pytest.fail(
            f"checksum.{name}({_show(data)}) returned {got!r}; expected {want}, the {name} of its "
            f"{len(raw)} bytes.{detail}"
        )


class _AddressSpy(LibSpy):
    """Keeps, for each checksum call, the address and length C was given, and what the data
    argument was when it is no cdata (only its type and identity: no object is kept)."""

    def __init__(self, lib, ffi, data):
        super().__init__(lib, ffi)
        self.data = data

    def record(self, name, args):
        if len(args) != 3:
            return (name, None, None, "")
        pointer = args[1]
        if isinstance(pointer, self.ffi.CData):
            return (name, int(self.ffi.cast("uintptr_t", pointer)), args[2], "")
        return (name, None, args[2], "the object itself" if pointer is self.data else type(pointer).__name__)


@pytest.mark.parametrize("index", range(4), ids=[n for n, _ in _objects()])
def test_no_copy(module, built, monkeypatch, index):
    kind, data = _objects()[index]
    ffi = built.ffi
    with ffi.from_buffer(data) as view:  # released at once: only its address is needed
        start, size = int(ffi.cast("uintptr_t", view)), len(view)
    spy = install_lib_spy(module, built, monkeypatch, _AddressSpy(built.lib, ffi, data))
    _call(module, "crc32", data)
    calls = [c for c in spy.calls if c[0] == "crc32"]
    if not calls:
        pytest.fail(f"checksum.crc32({_show(data)}) never called lib.crc32: the checksum must come from zlib.")
    for _, address, length, given in calls:
        if given == "the object itself":
            continue  # cffi passes C a pointer into it
        if address is None:
            pytest.fail(
                f"checksum.crc32({_show(data)}) gave lib.crc32 a {given} as its data, "
                "not the object itself: that is a copy. Use ffi.from_buffer(data)."
            )
        if not (start <= address and address + length <= start + size):
            pytest.fail(
                f"checksum.crc32({_show(data)}) gave lib.crc32 a pointer to {length} bytes that are not "
                f"inside the {kind} (its memory is at 0x{start:x}, {size} bytes): C read a copy. "
                "ffi.from_buffer(data) points into the object's own memory; bytes(data) or "
                "ffi.new(..., data) copies it."
            )


@pytest.mark.parametrize(
    ("name", "value"),
    [("adler32", 0x11E60398), ("crc32", 0x0000BEEF), ("é", 0xFFFFFFFF)],
    ids=["adler32", "leading-zeros", "non-ascii"],
)
def test_label(module, built, monkeypatch, name, value):
    spy = install_lib_spy(module, built, monkeypatch, LibSpy(built.lib))
    got = _call(module, "label", name, value)
    want = f"{name}: {value:08x}"
    if got != want:
        pytest.fail(f"checksum.label({name!r}, {value:#x}) returned {got!r}; expected {want!r}.")
    if "snprintf" not in spy.names():
        pytest.fail(
            f"checksum.label({name!r}, {value:#x}) returned the right text without calling lib.snprintf: "
            "the exercise is the variadic call. Write the text with C's snprintf."
        )
