"""Grader for 05_abi_api/libc: the C library called in ABI mode, portably.

libc.py must declare strlen and atoi with the standard's types, load the C
library with ffi.dlopen() (a dlopen'ed library, whose functions are cdata
function pointers, not a compiled module's built-in functions), find the C
library's name on Linux, macOS and Windows (checked on every system by
pretending to be each one while c_library_name() runs), and wrap strlen and
atoi (checked with a spy standing in for ``lib``).
"""

from __future__ import annotations

import ctypes.util
import ntpath
import os
import platform
import posixpath
import sys

import pytest

from grader.testing import LibSpy, install_lib_spy

SIGNATURES = {"strlen": "size_t(*)(char *)", "atoi": "int(*)(char *)"}
STANDARD = {"strlen": "size_t strlen(const char *s);", "atoi": "int atoi(const char *s);"}

BYTE_LENGTH = {"hello": 5, "héllo": 6, "": 0, "ab\0cd": 2, "日本": 6}
LEADING_INT = {"  42 apples": 42, "-7.9": -7, "x1": 0, "+15": 15, "0012": 12, "": 0}

# What each system looks like to c_library_name(): sys.platform, os.name,
# platform.system(), and what ctypes.util.find_library answers there.
SYSTEMS = {
    "Linux": ("linux", "posix", "Linux", {"c": "libc.so.6"}),
    "macOS": ("darwin", "posix", "Darwin", {"c": "/usr/lib/libc.dylib"}),
    # On Windows, find_library("c") finds nothing for Python 3.5+; it does find
    # DLLs on the PATH by their name.
    "Windows": (
        "win32",
        "nt",
        "Windows",
        {"ucrtbase": r"C:\Windows\system32\ucrtbase.dll", "msvcrt": r"C:\Windows\system32\msvcrt.dll"},
    ),
}


@pytest.fixture(scope="module")
def libc(exercise):
    return exercise.import_module("libc")


def _cdata_type():
    import cffi

    return cffi.FFI().CData


def _name_function(libc):
    func = getattr(libc, "c_library_name", None)
    if not callable(func):
        pytest.fail("libc.py has no function `c_library_name`: keep the `def c_library_name():` of the starter file.")
    return func


def _call_name(libc, where=""):
    try:
        return _name_function(libc)()
    except NotImplementedError:
        pytest.fail("c_library_name() raised NotImplementedError: replace its TODO with your code.")
    except Exception as exc:
        pytest.fail(f"c_library_name(){where} raised {type(exc).__name__}: {exc}")


def _lib(libc):
    lib = getattr(libc, "lib", None)
    if lib is None:
        pytest.fail(
            "libc.lib is None: load the C library at the TODO with ffi.dlopen(c_library_name()) and "
            "keep the result in `lib`."
        )
    return lib


def _function(libc, name):
    lib = _lib(libc)
    try:
        return getattr(lib, name)
    except AttributeError as exc:
        pytest.fail(
            f"libc.lib.{name} is missing ({exc}): lib only has what ffi.cdef() declares. Declare "
            f"`{STANDARD[name]}` in cdef()."
        )


# --- finding the C library ----------------------------------------------------------------


def test_c_library_loads_here(libc):
    import cffi

    name = _call_name(libc)
    probe = cffi.FFI()
    probe.cdef("size_t strlen(const char *s);")
    try:
        lib = probe.dlopen(name)
    except OSError as exc:
        pytest.fail(
            f"c_library_name() returned {name!r} on this system ({sys.platform}), and ffi.dlopen({name!r}) "
            f"failed: {exc}"
        )
    if not hasattr(lib, "strlen"):
        pytest.fail(f"c_library_name() returned {name!r}, a library without strlen: expected the C library.")


def _pretend(monkeypatch, libc, system):
    """Make this process look like `system` to the learner's code, for one call."""
    plat, osname, system_name, found = SYSTEMS[system]

    def find_library(name):
        return found.get(name)

    real_find = ctypes.util.find_library
    monkeypatch.setattr(sys, "platform", plat)
    monkeypatch.setattr(os, "name", osname)
    monkeypatch.setattr(platform, "system", lambda: system_name)
    monkeypatch.setattr(ctypes.util, "find_library", find_library)
    for global_name, value in list(vars(libc).items()):
        if value is real_find:  # from ctypes.util import find_library
            monkeypatch.setattr(libc, global_name, find_library)


def _windows_dll(name):
    base = ntpath.basename(posixpath.basename(name)).lower()
    return base.startswith(("ucrtbase", "msvcrt"))


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_c_library_name_on_each_system(libc, monkeypatch, system):
    _name_function(libc)
    with monkeypatch.context() as m:
        _pretend(m, libc, system)
        try:
            got = libc.c_library_name()
        except NotImplementedError:
            got = NotImplementedError
        except Exception as exc:
            got = exc
    if got is NotImplementedError:
        pytest.fail("c_library_name() raised NotImplementedError: replace its TODO with your code.")
    if isinstance(got, Exception):
        pytest.fail(f"c_library_name(), run as if on {system}, raised {type(got).__name__}: {got}")
    where = f"c_library_name(), run as if on {system} (sys.platform == {SYSTEMS[system][0]!r}),"
    if system == "Windows":
        if got is None:
            pytest.fail(
                f"{where} returned None. ffi.dlopen(None) does not work on Windows with Python 3: it raises "
                "OSError. There, name the C runtime DLL itself: ucrtbase (or the older msvcrt). "
                "ctypes.util.find_library('c') does not find it either: it returns None on Windows."
            )
        if not isinstance(got, str) or not _windows_dll(got):
            pytest.fail(
                f"{where} returned {got!r}, expected the C runtime DLL: 'ucrtbase' (Python 3.5+) or "
                "'msvcrt'. Test sys.platform == 'win32' for Windows."
            )
        return
    if got is not None and not isinstance(got, str):
        pytest.fail(
            f"{where} returned {got!r}, expected a str (or None, which means the C library on Linux and macOS)."
        )
    if got is not None and _windows_dll(got):
        pytest.fail(
            f"{where} returned {got!r}, a Windows DLL: {system} has no such library. Only Windows gets "
            "'ucrtbase' (test sys.platform == 'win32')."
        )
    answer = SYSTEMS[system][3]["c"]
    other = "dylib" if system == "Linux" else ".so"
    if got is not None and other in got:
        pytest.fail(
            f"{where} returned {got!r}, a file name of another system: on {system} the C library is "
            f"{answer!r}. Ask ctypes.util.find_library('c') rather than writing a file name."
        )


# --- declarations and ABI mode ------------------------------------------------------------


@pytest.mark.parametrize("name", list(SIGNATURES))
def test_lib_comes_from_dlopen(libc, name):
    func = _function(libc, name)
    if not isinstance(func, _cdata_type()):
        kind = type(func).__name__
        pytest.fail(
            f"libc.lib.{name} is a {kind}, not a C function pointer (cdata) loaded by ffi.dlopen()"
            + (": that is a function of a compiled (API-mode) module." if kind == "builtin_function_or_method" else ".")
            + " This exercise is about ABI mode: no C compiler, lib = ffi.dlopen(c_library_name())."
        )


@pytest.mark.parametrize("name", list(SIGNATURES))
def test_declared_as_the_standard_says(libc, name):
    func = _function(libc, name)
    typeof = getattr(getattr(libc, "ffi", None), "typeof", None)
    if typeof is None:
        pytest.fail("libc.py has no `ffi` object: keep `ffi = FFI()` of the starter file.")
    try:
        got = typeof(func).cname
    except TypeError:
        pytest.fail(f"libc.lib.{name} is {func!r}, not a C function loaded by ffi.dlopen().")
    if got != SIGNATURES[name]:
        pytest.fail(
            f"ffi.typeof(lib.{name}) is {got!r}, expected {SIGNATURES[name]!r} (cffi writes `const char *` as "
            f"`char *`). The C standard declares `{STANDARD[name]}`. In ABI mode nothing compares your cdef() "
            "with the library: a wrong type is not an error, just wrong answers on some systems."
        )


# --- the wrappers -------------------------------------------------------------------------


class _OtherAnswerLib(LibSpy):
    """A spy whose C functions answer C's result plus OFFSET, not the right answer: a wrapper that calls C and
    then computes the answer again in Python is right for every text; only this tells it from one that returns
    what C returned."""

    OFFSET = 1000

    def wrap(self, name, target):
        call = super().wrap(name, target)
        return lambda *args: call(*args) + self.OFFSET


def _spy(libc, monkeypatch, spy_class=LibSpy):
    """Put a spy wherever libc.py reaches the C functions: `lib`, or a global bound to one of its functions
    (grader.testing.install_lib_spy; no built module holds this lib: libc.py opened it itself).
    (Called in the test itself, not as a fixture: a missing `lib` is then a failed check, not an error.)"""
    return install_lib_spy(libc, None, monkeypatch, spy_class(_lib(libc)))


WRAPPERS = {"byte_length": ("strlen", BYTE_LENGTH), "leading_int": ("atoi", LEADING_INT)}


def _call(libc, wrapper, text):
    func = getattr(libc, wrapper, None)
    if not callable(func):
        pytest.fail(f"libc.py has no function `{wrapper}`: keep the `def {wrapper}(text):` of the starter file.")
    call = f"libc.{wrapper}({text!r})"
    try:
        return call, func(text)
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODO in {wrapper}() with your code.")
    except TypeError as exc:
        pytest.fail(
            f"{call} raised TypeError: {exc}. A `char *` argument takes bytes, not str: pass text.encode('utf-8')."
        )
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")


@pytest.mark.parametrize("wrapper", list(WRAPPERS))
def test_wrapper_results(libc, monkeypatch, wrapper):
    c_name, cases = WRAPPERS[wrapper]
    _function(libc, c_name)
    _spy(libc, monkeypatch)
    for text, expected in cases.items():
        call, got = _call(libc, wrapper, text)
        if got != expected or type(got) is not int:
            pytest.fail(
                f"{call} returned {got!r}, expected {expected}: the int that C's {c_name} gives for "
                f"{text.encode('utf-8')!r}."
            )


@pytest.mark.parametrize("wrapper", list(WRAPPERS))
def test_wrapper_calls_c(libc, monkeypatch, wrapper):
    c_name, cases = WRAPPERS[wrapper]
    _function(libc, c_name)
    spy = _spy(libc, monkeypatch)
    text = next(iter(cases))
    call, got = _call(libc, wrapper, text)
    if c_name not in spy.names():
        pytest.fail(
            f"{call} returned {got!r} without calling lib.{c_name}. The wrapper's job is to call the C "
            f"function {c_name} through lib and return its result."
        )


@pytest.mark.parametrize("wrapper", list(WRAPPERS))
def test_wrapper_returns_the_c_result(libc, monkeypatch, wrapper):
    c_name, cases = WRAPPERS[wrapper]
    _function(libc, c_name)
    spy = _spy(libc, monkeypatch, _OtherAnswerLib)
    text = "héllo" if wrapper == "byte_length" else "  42 apples"
    call, got = _call(libc, wrapper, text)
    if c_name not in spy.names():
        pytest.fail(
            f"{call} returned {got!r} without calling lib.{c_name}. The wrapper's job is to call the C "
            f"function {c_name} through lib and return its result."
        )
    answer = cases[text] + _OtherAnswerLib.OFFSET
    if got != answer:
        again = (
            " That is the right answer, but not the one C returned: the wrapper computed it again in Python "
            "after the call."
            if got == cases[text]
            else ""
        )
        pytest.fail(
            f"{call} returned {got!r}, while the grader's stand-in for lib.{c_name} returned {answer} (not "
            f"the answer for {text!r}: a number of its own, to see whose number comes back).{again} Return "
            f"what lib.{c_name} returns."
        )
