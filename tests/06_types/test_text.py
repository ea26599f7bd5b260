"""Grader for 06_types/text: pass text (str) to C functions that take UTF-8 bytes and a length.

text_build.py (given) compiles ``_text_cffi`` with ``ascii_upper(char *, size_t)``
(writes into its argument) and ``utf8_fit(const char *, size_t, size_t)``.
text.py's ``shout`` and ``fit`` must encode to UTF-8, pass the length in bytes
(not in characters), give ``ascii_upper`` a copy in C memory (never the bytes
object itself, which C would change), read back exactly the bytes (NULs
included) and decode them. A spy standing in for ``lib`` records every call,
checks the bytes and lengths C receives, and refuses to let C write into a
bytes object (which would corrupt it for the whole grading process).
``label`` calls the variadic ``text_format(char *, size_t, const char *, ...)``:
each value after the format must be a cdata (``ffi.new("char[]", ...)``,
``ffi.cast("int", n)``), and the label returned must be the text C wrote (the
spy makes C write another text once, which a label built in Python misses).
"""

from __future__ import annotations

import pytest

from grader.testing import LibSpy, install_lib_spy

BUILDER = "text_build.py"

SHOUT = {  # text -> what shout() returns
    "hello world": "HELLO WORLD",
    "naïve café": "NAïVE CAFé",
    "café au lait": "CAFé AU LAIT",
    "東京 tokyo 2024": "東京 TOKYO 2024",
    "straße": "STRAßE",
}
SHOUT_NUL = {"a\0b": "A\0B", "\0nul\0": "\0NUL\0"}
FIT = [
    ("naïve café", 3),
    ("naïve café", 4),
    ("naïve café", 100),
    ("日本語", 7),
    ("日本語", 2),
    ("日本語", 100),
    ("😀x", 3),
    ("😀x", 5),
    ("", 5),
    ("abc", 0),
]
FIT_NUL = [("a\0bc", 3), ("\0\0", 10)]
LABEL = [("bolt", 12), ("écrou", -3), ("東京", 0), ("", 7), ("x" * 99, 2**31 - 1), ("y", -(2**31))]
LABEL_FORMAT = b"%s x%d"


def fit_reference(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    n = min(max_bytes, len(data))
    while 0 < n < len(data) and data[n] & 0xC0 == 0x80:
        n -= 1
    return data[:n].decode("utf-8")


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def text_module(exercise, built):
    return exercise.import_module("text")


class _WritesIntoBytes(BaseException):
    """Raised by the spy instead of letting C write into a Python bytes object."""


class _SpyLib(LibSpy):
    """Records what C receives (name, args, the bytes it may read); stops a write into a bytes object."""

    def __init__(self, lib, ffi):
        super().__init__(lib, ffi)

    def _content(self, pointer, length):
        """The bytes C is given, as far as they can be read safely; None if unknown."""
        if not isinstance(length, int) or length < 0:
            return None
        if isinstance(pointer, (bytes, bytearray)):
            return bytes(pointer[:length])
        if isinstance(pointer, self.ffi.CData):
            ctype = self.ffi.typeof(pointer)
            if ctype.kind == "array":
                length = min(length, len(pointer) * self.ffi.sizeof(ctype.item))
            if pointer == self.ffi.NULL:
                return None
            return self.ffi.unpack(self.ffi.cast("char *", pointer), length)
        return None

    forged_label: bytes | None = None  # when set, text_format writes this instead (the C-wrote-it check)

    def wrap(self, name, target):
        if name != "text_format":
            return super().wrap(name, target)
        spied = super().wrap(name, target)

        def text_format(*args):
            length = spied(*args)
            if self.forged_label is None:
                return length
            out, size = args[0], args[1]
            # As snprintf would: nothing written for size 0 (a call that asks for the length only).
            if isinstance(out, self.ffi.CData) and out != self.ffi.NULL and isinstance(size, int) and size > 0:
                size = min(size, len(self.forged_label) + 1)
                self.ffi.memmove(out, self.forged_label[: size - 1] + b"\0", size)
            return len(self.forged_label)

        return text_format

    def record(self, name, args):
        if name == "text_format":
            return (name, args, None)
        content = self._content(args[0], args[1]) if len(args) >= 2 else None
        if name == "ascii_upper" and args and isinstance(args[0], bytes):
            self.calls.append((name, args, content))
            raise _WritesIntoBytes(name)
        return (name, args, content)


@pytest.fixture
def spy(text_module, built, monkeypatch):
    """Put the spy wherever text.py can reach the C functions (grader.testing.install_lib_spy)."""
    return install_lib_spy(text_module, built, monkeypatch, _SpyLib(built.lib, built.ffi))


def _call(text_module, spy, name, *args):
    func = getattr(text_module, name, None)
    params = {"shout": "text", "fit": "text, max_bytes", "label": "name, count"}[name]
    if not callable(func):
        pytest.fail(f"text.py has no function `{name}`: keep the `def {name}({params}):` of the starter file.")
    call = f"text.{name}({', '.join(map(repr, args))})"
    spy.calls.clear()
    try:
        return call, func(*args)
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in {name}() with your code.")
    except _WritesIntoBytes:
        pytest.fail(
            f"{call} passed a Python bytes object straight to lib.ascii_upper, which writes into it. For a "
            "bytes argument CFFI gives C a pointer to the bytes object's own memory, without a copy, so C "
            "would change an object Python promises is immutable (and every other use of that same object). "
            'Give ascii_upper a copy in C memory instead: ffi.new("char[]", data).'
        )
    except TypeError as exc:
        hint = ""
        if "must be a bytes" in str(exc) and "not str" in str(exc):
            hint = ' C\'s char * takes bytes, not str: encode the text first, text.encode("utf-8").'
        elif "variadic part" in str(exc):
            hint = (
                " After the format, text_format's prototype ends in `...`: C gives no types there, so CFFI "
                "cannot convert a Python object for you. Pass each value as a cdata of the type its % "
                'directive reads: ffi.new("char[]", name.encode("utf-8")) for %s, '
                'ffi.cast("int", count) for %d.'
            )
        pytest.fail(f"{call} raised TypeError: {exc}.{hint}")
    except UnicodeError as exc:
        pytest.fail(
            f"{call} raised {type(exc).__name__}: {exc}. The C functions work on UTF-8, which can encode "
            'every character: text.encode("utf-8") on the way in, .decode("utf-8") on the way out.'
        )
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")


def _what_c_got(spy, name: str, text: str) -> str:
    """Explain what was wrong with the bytes or the length C received, or ""."""
    data = text.encode("utf-8")
    call = spy.last(name)
    if call is None:
        return ""
    _, args, content = call
    length = args[1] if len(args) > 1 else None
    if content is not None and content != data[: len(content)]:
        return (
            f" lib.{name} received the bytes {content!r}, which are not the UTF-8 encoding of {text!r} "
            f'({data!r}): encode with "utf-8".'
        )
    if isinstance(length, int) and length != len(data):
        unit = "the number of characters, len(text)" if length == len(text) else "not the length of the bytes"
        return (
            f" lib.{name} received the length {length}: that is {unit}. {text!r} is {len(text)} characters "
            f"but {len(data)} bytes in UTF-8, and C counts bytes: pass len(data), the length of the "
            "encoded bytes."
        )
    return ""


def _check_shout(text_module, spy, text: str, expected: str) -> None:
    call, got = _call(text_module, spy, "shout", text)
    if type(got) is str and got == expected:
        return
    message = f"{call} returned {got!r}, expected {expected!r}."
    c_got = _what_c_got(spy, "ascii_upper", text)
    if not spy.last("ascii_upper"):
        message += " It never called lib.ascii_upper: the upper-casing must be done by C."
    elif c_got:
        message += c_got
    elif isinstance(got, (bytes, bytearray)):
        message += ' That is bytes: decode them into a str with .decode("utf-8").'
    elif isinstance(got, str) and got == expected + "\0":
        message += (
            ' There is one NUL too many at the end: ffi.new("char[]", data) adds a NUL after the data, '
            "so the array is one byte longer than the text. Read back exactly len(data) bytes: "
            "ffi.unpack(buf, len(data))."
        )
    elif isinstance(got, str) and "\0" in text and got == expected.split("\0", 1)[0]:
        message += (
            " It stops where the first NUL is: that is what ffi.string() does. The text may contain "
            "NULs; read back exactly len(data) bytes with ffi.unpack(buf, len(data))."
        )
    pytest.fail(message)


def _check_fit(text_module, spy, text: str, max_bytes: int) -> None:
    expected = fit_reference(text, max_bytes)
    call, got = _call(text_module, spy, "fit", text, max_bytes)
    if type(got) is str and got == expected:
        return
    message = f"{call} returned {got!r}, expected {expected!r}."
    c_got = _what_c_got(spy, "utf8_fit", text)
    if not spy.last("utf8_fit"):
        message += " It never called lib.utf8_fit: the answer must come from C."
    elif c_got:
        message += c_got
    elif isinstance(got, (bytes, bytearray)):
        message += ' That is bytes: decode them into a str with .decode("utf-8").'
    else:
        n = len(expected.encode("utf-8"))
        if isinstance(got, str) and got == text[:n]:
            message += (
                f" utf8_fit answered {n}, a number of bytes; text[:{n}] keeps {n} characters. Cut the "
                f"encoded bytes instead, data[:{n}], then decode them."
            )
    pytest.fail(message)


def test_shout_ascii(text_module, spy):
    _check_shout(text_module, spy, "hello world", SHOUT["hello world"])


def test_shout_non_ascii(text_module, spy):
    for text, expected in SHOUT.items():
        _check_shout(text_module, spy, text, expected)


def test_shout_text_with_nul(text_module, spy):
    for text, expected in SHOUT_NUL.items():
        _check_shout(text_module, spy, text, expected)


def test_shout_empty_text(text_module, spy):
    _check_shout(text_module, spy, "", "")


def test_shout_gives_c_a_copy_of_utf8(text_module, spy, built):
    text = "naïve café"
    data = text.encode("utf-8")
    call, _ = _call(text_module, spy, "shout", text)
    calls = [c for c in spy.calls if c[0] == "ascii_upper"]
    if len(calls) != 1:
        pytest.fail(f"{call} called lib.ascii_upper {len(calls)} times, expected exactly once, on the whole text.")
    _, args, content = calls[0]
    if not isinstance(args[0], built.ffi.CData):
        pytest.fail(
            f"{call} passed {type(args[0]).__name__} to lib.ascii_upper, expected C memory (a cdata "
            'object) holding a copy of the UTF-8 bytes, such as ffi.new("char[]", data).'
        )
    detail = _what_c_got(spy, "ascii_upper", text)
    if detail or content != data:
        pytest.fail(
            f"{call}: lib.ascii_upper received {content!r} and the length {args[1]!r}, expected the "
            f"{len(data)} UTF-8 bytes {data!r} and the length {len(data)}." + detail
        )


def test_fit(text_module, spy):
    for text, max_bytes in FIT:
        _check_fit(text_module, spy, text, max_bytes)


def test_fit_text_with_nul(text_module, spy):
    for text, max_bytes in FIT_NUL:
        _check_fit(text_module, spy, text, max_bytes)


def test_fit_passes_utf8_and_its_length(text_module, spy):
    text = "日本語 text"
    data = text.encode("utf-8")
    call, _ = _call(text_module, spy, "fit", text, 100)
    found = spy.last("utf8_fit")
    if found is None:
        pytest.fail(f"{call} never called lib.utf8_fit: the answer must come from C.")
    _, args, content = found
    detail = _what_c_got(spy, "utf8_fit", text)
    if detail or content != data or args[2] != 100:
        pytest.fail(
            f"{call}: lib.utf8_fit received {content!r}, the length {args[1]!r} and max_bytes "
            f"{args[2]!r}; expected the UTF-8 bytes {data!r}, their length {len(data)} and 100." + detail
        )


def _check_label(text_module, spy, name: str, count: int) -> None:
    expected = f"{name} x{count}"
    call, got = _call(text_module, spy, "label", name, count)
    found = spy.last("text_format")
    if found is None:
        pytest.fail(f"{call} returned {got!r} without calling lib.text_format: the label must be formatted by C.")
    if found[1][2] not in (LABEL_FORMAT, bytearray(LABEL_FORMAT)) and not (
        isinstance(found[1][2], spy.ffi.CData) and spy.ffi.string(found[1][2]) == LABEL_FORMAT
    ):
        pytest.fail(f"{call} gave lib.text_format the format {found[1][2]!r}, expected {LABEL_FORMAT!r}.")
    if type(got) is not str or got != expected:
        note = ' That is bytes: decode them into a str with .decode("utf-8").' if isinstance(got, bytes) else ""
        pytest.fail(f"{call} returned {got!r}, expected {expected!r}.{note}")


def test_label(text_module, spy):
    for name, count in LABEL:
        _check_label(text_module, spy, name, count)


def test_label_returns_what_c_wrote(text_module, spy):
    spy.forged_label = "C wrote this: ünïcode x5".encode()
    call, got = _call(text_module, spy, "label", "bolt", 5)
    if spy.last("text_format") is None:
        pytest.fail(f"{call} never called lib.text_format: the label must be formatted by C.")
    if got != spy.forged_label.decode("utf-8"):
        pytest.fail(
            f"{call} returned {got!r}, but C wrote {spy.forged_label.decode('utf-8')!r} into the buffer "
            "(the grader made it write another text): return what C wrote, read back from the buffer "
            "with ffi.string() and decoded, not a label built again in Python."
        )


class _OtherAnswers(_SpyLib):
    """The spy, and C's answers replaced by others after each real call: ascii_upper leaves FORGED_UPPER in the
    buffer, utf8_fit answers FORGED_FIT. A shout() or fit() that calls C and then computes the answer again in
    Python is right for every real text; only this tells it from one that returns what C gave."""

    FORGED_UPPER = b"C WROTE IT!"  # as long as "hello world"
    FORGED_FIT = 3

    def wrap(self, name, target):
        call = super().wrap(name, target)
        if name == "ascii_upper":

            def ascii_upper(*args):
                result = call(*args)
                out, length = args[0], args[1]
                if isinstance(out, self.ffi.CData) and length == len(self.FORGED_UPPER):
                    self.ffi.memmove(out, self.FORGED_UPPER, length)
                return result

            return ascii_upper
        if name == "utf8_fit":
            return lambda *args: min(call(*args), self.FORGED_FIT)
        return call


def test_shout_and_fit_return_what_c_gave(text_module, built, monkeypatch):
    spy = install_lib_spy(text_module, built, monkeypatch, _OtherAnswers(built.lib, built.ffi))
    call, got = _call(text_module, spy, "shout", "hello world")
    if spy.last("ascii_upper") is None:
        pytest.fail(f"{call} never called lib.ascii_upper: the letters must be upper-cased by C.")
    forged = _OtherAnswers.FORGED_UPPER.decode("ascii")
    if got != forged:
        again = (
            " That is the right answer, but not what C wrote: shout() upper-cased the text again in Python."
            if got == "HELLO WORLD"
            else ""
        )
        pytest.fail(
            f"{call} returned {got!r}, while the grader's stand-in for lib.ascii_upper left {forged!r} in "
            f"the buffer (a text of its own, to see whose text comes back).{again} Return the bytes C "
            "wrote into the buffer, read back and decoded."
        )
    call, got = _call(text_module, spy, "fit", "hello world", 8)
    if spy.last("utf8_fit") is None:
        pytest.fail(f"{call} never called lib.utf8_fit: the answer must come from C.")
    forged = "hello world"[: _OtherAnswers.FORGED_FIT]
    if got != forged:
        again = (
            " That is the right answer, but not the one C gave: fit() worked it out again in Python."
            if got == "hello wo"
            else ""
        )
        pytest.fail(
            f"{call} returned {got!r}, while the grader's stand-in for lib.utf8_fit answered "
            f"{_OtherAnswers.FORGED_FIT} (a number of its own, to see whose answer comes back), so fit() "
            f"should return {forged!r}.{again} Cut the encoded bytes at the number utf8_fit returns."
        )
