"""Grader for 15_zlib/oneshot: compress and decompress in one call each, sizes and errors right.

oneshot_build.py (given) compiles ``_oneshot_cffi``: zlib's compressBound(), compress2(),
uncompress() and zError(). Python's zlib module (the same library) checks the results.

Checked: compress() of compressible, empty and incompressible data (which comes out longer
than it went in: a buffer of len(data) is too small) is a zlib stream of exactly the bytes
compress2() wrote, nothing after it; the level reaches C (0 stores, 9 compresses); a level
out of range raises ZlibError(Z_STREAM_ERROR). decompress() returns exactly the original
bytes with room to spare and with none, and raises ZlibError with zlib's code and message
for an output buffer one byte too small (Z_BUF_ERROR), corrupt input and truncated input
(Z_DATA_ERROR).
"""

from __future__ import annotations

import random
import sys
import zlib

import pytest

from grader.testing import build_with_system_library

ZLIB_INSTALL = (
    "Install zlib's development files (Debian/Ubuntu: sudo apt install zlib1g-dev; Fedora: sudo dnf "
    "install zlib-devel; macOS: xcode-select --install; Windows: conda install zlib), then grade again. "
    "lessons/15-zlib.md says more; nox -s doctor checks it."
)
BUILDER = "oneshot_build.py"
TEXT = b"".join(b"line %d: the quick brown fox jumps over the lazy dog\n" % i for i in range(300))
NOISE = random.Random(15).randbytes(5000)  # does not compress: zlib's output is longer


@pytest.fixture(scope="module")
def built(exercise):
    # The builder is given and links the system's zlib: without zlib the checks skip, saying so.
    return build_with_system_library(
        exercise, BUILDER, "zlib.h", "zlib" if sys.platform == "win32" else "z", ZLIB_INSTALL
    )


@pytest.fixture(scope="module")
def module(exercise, built):
    return exercise.import_module("oneshot")


def _show(value) -> str:
    if isinstance(value, (bytes, bytearray)) and len(value) > 16:
        return f"<{len(value)} bytes>"
    return repr(value)


def _call(module, name, *args):
    func = getattr(module, name, None)
    if not callable(func):
        pytest.fail(f"oneshot.py has no function {name}(): keep the starter's `def {name}`.")
    shown = ", ".join(_show(a) for a in args)
    error = getattr(module, "ZlibError", None)
    try:
        return "ok", func(*args), f"oneshot.{name}({shown})"
    except NotImplementedError:
        pytest.fail(f"oneshot.{name}({shown}) raised NotImplementedError: replace its TODO with your code.")
    except Exception as exc:
        if isinstance(error, type) and isinstance(exc, error):
            return "raised", exc, f"oneshot.{name}({shown})"
        pytest.fail(f"oneshot.{name}({shown}) raised {type(exc).__name__}: {exc}")


def _zlib_stream(what, got, data):
    """got must be one whole zlib stream holding data, with nothing after it."""
    if not isinstance(got, bytes):
        detail = (
            " ffi.unpack() of an unsigned char (Bytef) array gives a list of ints; ffi.buffer(p, n)[:] gives bytes."
            if isinstance(got, list)
            else ""
        )
        pytest.fail(f"{what} returned a {type(got).__name__}; expected bytes.{detail}")
    d = zlib.decompressobj()
    try:
        out = d.decompress(got)
    except zlib.error as exc:
        pytest.fail(
            f"{what} returned {len(got)} bytes that Python's zlib cannot read ({exc}): return exactly "
            "the bytes compress2() wrote, the first *destLen of the buffer."
        )
    if not d.eof:
        pytest.fail(
            f"{what} returned {len(got)} bytes, a zlib stream cut short: return all the *destLen bytes "
            "compress2() wrote."
        )
    if d.unused_data:
        pytest.fail(
            f"{what} returned {len(got)} bytes: a zlib stream of {len(got) - len(d.unused_data)} bytes, "
            f"then {len(d.unused_data)} more that are not part of it. compress2() sets *destLen to what it "
            "wrote: return that many bytes, not the whole buffer."
        )
    if out != data:
        pytest.fail(f"{what} returned a zlib stream of {len(out)} bytes that are not the data given.")


@pytest.mark.parametrize("data", [TEXT, b"", b"x", NOISE], ids=["text", "empty", "one-byte", "incompressible"])
def test_compress(module, built, data):
    status, got, what = _call(module, "compress", data)
    if status == "raised":
        detail = ""
        if got.code == built.lib.Z_BUF_ERROR:
            detail = (
                f" compress2() ran out of room: zlib's output for these {len(data)} bytes is "
                f"{len(zlib.compress(data))} bytes (data that does not compress comes out longer). Size the "
                "output buffer with lib.compressBound(len(data))."
            )
        pytest.fail(f"{what} raised {type(got).__name__}: {got} (code {got.code}); expected a zlib stream.{detail}")
    _zlib_stream(what, got, data)


def test_compress_levels(module):
    sizes = {}
    for level in (0, 9):
        status, got, what = _call(module, "compress", TEXT, level)
        if status == "raised":
            pytest.fail(f"{what} raised {type(got).__name__}: {got}; expected a zlib stream.")
        _zlib_stream(what, got, TEXT)
        sizes[level] = len(got)
    if not sizes[0] > len(TEXT) > sizes[9]:
        pytest.fail(
            f"compress() of {len(TEXT)} bytes of text returned {sizes[0]} bytes at level 0 and {sizes[9]} "
            "at level 9; expected more than the input at level 0 (stored, not compressed) and much less at "
            "level 9: pass level on to compress2()."
        )


def _expect_error(module, built, name, args, code, why):
    status, got, what = _call(module, name, *args)
    message = built.ffi.string(built.lib.zError(code)).decode("ascii")
    want = f"ZlibError with code {code} ({message!r})"
    if status == "ok":
        pytest.fail(
            f"{what} returned {_show(got)}; expected {want}: {why}. zlib said so by its return value: "
            "check it, and raise for anything but Z_OK."
        )
    if got.code != code:
        pytest.fail(f"{what} raised ZlibError with code {got.code!r}; expected {want}: {why}.")
    if getattr(got, "message", None) != message:
        pytest.fail(
            f"{what} raised ZlibError with message {getattr(got, 'message', None)!r}; expected {message!r}, "
            f"what lib.zError({code}) says, decoded to str."
        )


def test_compress_bad_level(module, built):
    _expect_error(
        module,
        built,
        "compress",
        (TEXT, 10),
        built.lib.Z_STREAM_ERROR,
        "levels go from -1 to 9, and compress2() refuses 10 with Z_STREAM_ERROR",
    )


@pytest.mark.parametrize("room", [0, 1, 5000], ids=["exact", "one-more", "much-more"])
@pytest.mark.parametrize("data", [TEXT, NOISE], ids=["text", "incompressible"])
def test_decompress(module, data, room):
    stream = zlib.compress(data)
    status, got, what = _call(module, "decompress", stream, len(data) + room)
    if status == "raised":
        pytest.fail(f"{what} raised {type(got).__name__}: {got}; expected the {len(data)} bytes the stream holds.")
    if got != data:
        detail = ""
        if isinstance(got, bytes) and got[: len(data)] == data:
            detail = (
                f" The first {len(data)} are right, then {len(got) - len(data)} more: uncompress() sets "
                "*destLen to what it wrote; return that many bytes, not the whole buffer."
            )
        pytest.fail(f"{what} returned {_show(got)}; expected the {len(data)} bytes the stream holds.{detail}")


def test_decompress_too_small(module, built):
    stream = zlib.compress(TEXT)
    _expect_error(
        module,
        built,
        "decompress",
        (stream, len(TEXT) - 1),
        built.lib.Z_BUF_ERROR,
        f"the data holds {len(TEXT)} bytes, one more than max_size",
    )


@pytest.mark.parametrize("case", ["corrupt-header", "corrupt-body", "truncated", "empty"])
def test_decompress_bad_input(module, built, case):
    stream = zlib.compress(TEXT)
    body = bytearray(stream)
    body[len(body) // 2] ^= 0xFF
    data, why = {
        "corrupt-header": (b"\x78\x9d" + stream[2:], "its header's check bits are wrong"),
        "corrupt-body": (bytes(body), "a byte in the middle of the stream was changed"),
        "truncated": (stream[: len(stream) // 2], "the stream stops halfway"),
        "empty": (b"", "there is no stream at all"),
    }[case]
    _expect_error(module, built, "decompress", (data, len(TEXT) + 100), built.lib.Z_DATA_ERROR, why)
