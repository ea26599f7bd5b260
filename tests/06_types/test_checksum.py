"""Grader for 06_types/checksum: a uint32_t C function, and a Python model that wraps like C.

checksum_build.py must declare ``uint32_t fnv1a32(const char *data, size_t length)``
in cdef() with the types of its C definition (a signed result turns half the
checksums negative). checksum.py's ``fnv1a_c`` must return what the C function
computes, as a Python int; ``fnv1a_py`` must compute the same 32-bit FNV-1a in
Python alone (checked with a spy standing in for ``lib``), keeping 32 bits
after every multiplication as C's uint32_t does, and return a Python int.
Any correct way to wrap passes (``ffi.cast("uint32_t", ...)``, a mask, ...).
"""

from __future__ import annotations

import random

import pytest
from cffi import FFI

from grader.testing import LibSpy, install_lib_spy

BUILDER = "checksum_build.py"
PROTOTYPE = "uint32_t fnv1a32(const char *data, size_t length);"
RESULTS = ("uint32_t", "unsigned int")  # 32-bit unsigned either way
ARGS = ["char *", "size_t"]  # cffi shows `const char *` as `char *`
CDATA = FFI().CData
OFFSET_BASIS, PRIME, MASK = 2166136261, 16777619, 0xFFFFFFFF

INPUTS = [
    b"",
    b"a",
    b"foobar",
    b"\xff\x00\x80\x7f",
    "naïve café".encode(),
    bytes(range(256)),
    random.Random(6).randbytes(4096),
]


def fnv1a(data: bytes) -> int:
    value = OFFSET_BASIS
    for byte in data:
        value = ((value ^ byte) * PRIME) & MASK
    return value


def fnv1(data: bytes) -> int:
    """The older FNV-1: multiply first, then XOR (a likely mix-up)."""
    value = OFFSET_BASIS
    for byte in data:
        value = ((value * PRIME) & MASK) ^ byte
    return value


def _show(data: bytes) -> str:
    return repr(data) if len(data) <= 16 else f"{data[:12]!r}... ({len(data)} bytes)"


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def checksum(exercise, built):
    return exercise.import_module("checksum")


def _c_function(built):
    if not hasattr(built.lib, "fnv1a32"):
        pytest.fail(
            f"the compiled module {built.module_name} has no function `fnv1a32`: lib only has what cdef() "
            "declares. In checksum_build.py, declare fnv1a32 in ffibuilder.cdef(): the first line of its C "
            "definition, types and all, with `;` instead of the body."
        )
    return built.lib.fnv1a32


class _SpyLib(LibSpy):
    """Records the name of each C function called."""

    def record(self, name, args):
        return name


@pytest.fixture
def spy(checksum, built, monkeypatch):
    """Put the spy wherever checksum.py can reach the C function (grader.testing.install_lib_spy)."""
    return install_lib_spy(checksum, built, monkeypatch, _SpyLib(built.lib))


def _call(checksum, name, data):
    func = getattr(checksum, name, None)
    if not callable(func):
        pytest.fail(f"checksum.py has no function `{name}`: keep the `def {name}(data):` of the starter file.")
    call = f"checksum.{name}({_show(data)})"
    try:
        return call, func(data)
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODO in {name}() with your code.")
    except TypeError as exc:
        hint = ""
        if "cdata" in str(exc).lower():
            hint = (
                " ffi.cast() gives a cdata object, and Python does not compute with those: turn it back into "
                "a Python int with int(...) before the next operation."
            )
        elif "not str" in str(exc):
            hint = " The C function takes bytes: pass data itself, as fnv1a_c receives it."
        pytest.fail(f"{call} raised TypeError: {exc}.{hint}")
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")


def test_fnv1a32_is_declared(built):
    _c_function(built)


def test_fnv1a32_declared_types(built):
    ctype = built.ffi.typeof(_c_function(built))
    result, args = ctype.result.cname, [a.cname for a in ctype.args]
    if result not in RESULTS or args != ARGS:
        pytest.fail(
            f"ffi.typeof(lib.fnv1a32) is {ctype.cname!r}, expected 'uint32_t(*)(char *, size_t)': declare "
            f"`{PROTOTYPE}` in cdef(), the types of the C definition. cffi converts values by the types cdef() "
            "declares"
            + (
                ": a signed result turns every checksum of 2**31 or more into a negative number."
                if result != "uint32_t" and args == ARGS
                else "."
            )
        )


def test_c_checksums(built):
    func = _c_function(built)
    for data in INPUTS:
        expected = fnv1a(data)
        got = func(data, len(data))
        if got != expected:
            note = ""
            if got < 0 and got & MASK == expected:
                note = (
                    f" That is {expected} read as a signed 32-bit number: cdef() declares a signed result. "
                    "Declare it uint32_t, as the C code does."
                )
            pytest.fail(f"lib.fnv1a32({_show(data)}, {len(data)}) returned {got}, expected {expected}.{note}")


def test_fnv1a_c_returns_what_c_computes(checksum, built, spy):
    _c_function(built)
    for data in INPUTS:
        call, got = _call(checksum, "fnv1a_c", data)
        expected = fnv1a(data)
        if "fnv1a32" not in spy.calls:
            pytest.fail(f"{call} returned {got!r} without calling the C function lib.fnv1a32: fnv1a_c must call it.")
        if isinstance(got, int) and got < 0 and got & MASK == expected:
            pytest.fail(
                f"{call} returned {got}, expected {expected}: that is the right checksum read as a "
                "signed number. Declare the result uint32_t in checksum_build.py's cdef()."
            )
        if type(got) is not int or got != expected:
            pytest.fail(
                f"{call} returned {got!r}, expected {expected}, the Python int lib.fnv1a32(data, len(data)) returns."
            )


class _OtherAnswerSpy(_SpyLib):
    """Stands in for lib, and answers each fnv1a32 call with a number of its own, which no FNV hash of the data
    gives: an fnv1a_c that calls C and then returns a checksum computed again in Python returns the right
    checksum for every input; only this tells it from one that returns what C returned."""

    SALT = 0x5A5A5A5A

    def wrap(self, name, target):
        call = super().wrap(name, target)
        if name != "fnv1a32":
            return call
        return lambda *args: call(*args) ^ self.SALT


def test_fnv1a_c_returns_the_c_result(checksum, built, monkeypatch):
    _c_function(built)
    spy = install_lib_spy(checksum, built, monkeypatch, _OtherAnswerSpy(built.lib))
    data = b"hello"
    call, got = _call(checksum, "fnv1a_c", data)
    if "fnv1a32" not in spy.calls:
        pytest.fail(f"{call} returned {got!r} without calling the C function lib.fnv1a32: fnv1a_c must call it.")
    answer = fnv1a(data) ^ _OtherAnswerSpy.SALT
    if got != answer:
        again = (
            " That is the right checksum, but not the one C returned: fnv1a_c computed it again in Python "
            "after the call."
            if got == fnv1a(data)
            else ""
        )
        pytest.fail(
            f"{call} returned {got!r}, while the grader's stand-in for lib.fnv1a32 returned {answer} (a "
            f"number no checksum gives, to see whose number comes back).{again} Return what "
            "lib.fnv1a32(data, len(data)) returns."
        )


def _explain_py(got, data: bytes, expected: int) -> str:
    if isinstance(got, CDATA):
        return (
            " That is a cdata object: ffi.cast() gives C data, not a Python number. Convert it to a Python "
            "int with int(...)."
        )
    if not isinstance(got, int) or isinstance(got, bool):
        return " fnv1a_py must return a Python int."
    if got == OFFSET_BASIS and data:
        return " That is OFFSET_BASIS, unchanged: value must be updated for each byte of data."
    if got > MASK:
        return (
            f" That number has {got.bit_length()} bits; a C uint32_t keeps 32. After each multiplication, "
            'keep only the low 32 bits, as C does: ffi.cast("uint32_t", ...).'
        )
    if got < 0:
        return (
            " A uint32_t is never negative: the value was kept as a *signed* 32-bit number (int32_t or int). "
            'Cast to the unsigned type, "uint32_t".'
        )
    if got == fnv1(data):
        return " That is FNV-1, which multiplies first: FNV-1a XORs the byte in first, then multiplies."
    if got < 2**16 and expected >= 2**16:
        return " That fits in 16 bits: a uint32_t keeps 32."
    return ""


def test_fnv1a_py_matches_c(checksum, spy):
    for data in INPUTS:
        call, got = _call(checksum, "fnv1a_py", data)
        expected = fnv1a(data)
        if type(got) is not int or got != expected:
            pytest.fail(
                f"{call} returned {got!r}, expected {expected} (what the C function computes)."
                + _explain_py(got, data, expected)
            )


def test_fnv1a_py_does_not_call_c(checksum, spy):
    call, _ = _call(checksum, "fnv1a_py", b"foobar")
    if spy.calls:
        pytest.fail(
            f"{call} called the C function lib.fnv1a32: fnv1a_py must compute the checksum in Python "
            "alone, to be an independent model that tests can compare the C function against."
        )
