"""Grader for 11_errors/codes: a C library's status codes become Python exceptions.

codes_build.py (given) compiles ``_codes_cffi``, a key-value store whose
functions return KV_OK or a negative KV_E... status, with kv_strerror() for
the message; kv_open() reports through an out-parameter, kv_get() returns its
value through one. The test hook ``kv_fail_next(status)`` makes the next call
report any status (KV_ENOMEM, or codes codes.py cannot know; KV_OK cancels
it), and ``kv_open_stores()`` counts the stores not closed yet.

Checked: check(KV_OK) returns None; check(code) raises the class the task
gives for each known code (KeyNotFoundError is also a KeyError, ...) and
KVError itself for unknown ones, negative or positive, always with .code and
the library's message decoded to str; then Store's put/get/delete/constructor
raise the same exceptions from real failures of the C library (a missing key,
a full store, an invalid key or capacity, an out-parameter status), return
values on success, and let the collector close the C store.
"""

from __future__ import annotations

import gc

import pytest

from grader.testing import LibSpy, install_lib_spy

BUILDER = "codes_build.py"


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def codes(exercise, built):
    return exercise.import_module("codes")


def _message(built, code):
    return built.ffi.string(built.lib.kv_strerror(code)).decode("utf-8")


def _classes(codes):
    names = ["KVError", "KeyNotFoundError", "StoreFullError", "InvalidArgumentError", "OutOfMemoryError"]
    found = {}
    for name in names:
        cls = getattr(codes, name, None)
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            pytest.fail(f"codes.py has no exception class {name}: keep the classes the starter defines.")
        found[name] = cls
    return found


def _expected(codes, built):
    c, lib = _classes(codes), built.lib
    return {
        lib.KV_ENOTFOUND: (c["KeyNotFoundError"], KeyError),
        lib.KV_EFULL: (c["StoreFullError"], None),
        lib.KV_EINVAL: (c["InvalidArgumentError"], ValueError),
        lib.KV_ENOMEM: (c["OutOfMemoryError"], MemoryError),
    }


def _run(what, func, *args):
    """('ok', value) or ('raised', exception); NotImplementedError fails the check at once."""
    try:
        return "ok", func(*args)
    except NotImplementedError:
        pytest.fail(f"{what} raised NotImplementedError: replace the TODOs of codes.py with your code.")
    except Exception as exc:
        return "raised", exc


def _show(exc):
    return f"{type(exc).__name__}: {exc} (code={getattr(exc, 'code', None)!r})"


def _expect_error(codes, built, what, func, args, code, want_cls, also=None):
    """`func(*args)` must raise want_cls (exactly), with .code == code and the library's message."""
    kverror = _classes(codes)["KVError"]
    message = _message(built, code)
    text = str(want_cls(code, message))
    want = f"{want_cls.__name__}: {text}"
    status, got = _run(what, func, *args)
    if status == "ok":
        check = _check(codes)
        if func is not check and _run(f"check({code})", check, code)[0] == "raised":
            # check() does its part: the wrapper never gave it the status.
            method, c_name = (
                ("__init__", "kv_open's *status")
                if isinstance(func, type)
                else (func.__name__, f"kv_{func.__name__}'s status")
            )
            pytest.fail(
                f"{what} returned {got!r}; expected {want}. The C function reported status {code} "
                f"({message!r}), and check({code}) raises as it should, so Store.{method}() ignored "
                f"{c_name}: pass it to check()."
            )
        pytest.fail(
            f"{what} returned {got!r}; expected {want}. The C function reported status {code} "
            f"({message!r}): every status other than KV_OK is a failure, and check() must raise."
        )
    if type(got) is not want_cls:
        detail = ""
        if isinstance(got, KeyError) and not isinstance(got, kverror):
            detail = (
                " A KeyError raised by a dict lookup such as ERRORS[code] means the table had no entry "
                "for the code: use ERRORS.get(code, KVError), so an unknown status still becomes a "
                "KVError."
                if code not in _expected(codes, built)
                else " The builtin KeyError is not enough: raise the library's KeyNotFoundError, which is a "
                "KVError (with .code) and a KeyError at once."
            )
        elif isinstance(got, (ValueError, MemoryError)) and not isinstance(got, kverror):
            detail = " Raise the library's own class, which is both a KVError (with .code) and that builtin."
        pytest.fail(f"{what} raised {_show(got)}; expected {want}.{detail}")
    if also is not None and not isinstance(got, also):
        pytest.fail(f"{what} raised {_show(got)}, which is not a {also.__name__}: keep the starter's class.")
    if got.code != code:
        pytest.fail(
            f"{what} raised {_show(got)} with code {got.code!r}; expected {code}: give the status "
            "itself to the exception, cls(code, message)."
        )
    if got.message != message or str(got) != text:
        pytest.fail(
            f"{what} raised {_show(got)} with the message {got.message!r}; expected {message!r}, what "
            f"lib.kv_strerror({code}) says, as a str: ffi.string(lib.kv_strerror(code)).decode('utf-8')."
        )
    return got


def _check(codes):
    func = getattr(codes, "check", None)
    if not callable(func):
        pytest.fail("codes.py has no function check(code): keep the starter's `def check`.")
    return func


def test_kv_ok_raises_nothing(codes, built):
    status, got = _run("check(lib.KV_OK)", _check(codes), built.lib.KV_OK)
    if status == "raised":
        pytest.fail(f"check(lib.KV_OK) raised {_show(got)}; expected it to return None: KV_OK (0) is success.")
    if got is not None:
        pytest.fail(f"check(lib.KV_OK) returned {got!r}; expected None.")


@pytest.mark.parametrize("name", ["KV_ENOTFOUND", "KV_EFULL", "KV_EINVAL", "KV_ENOMEM"])
def test_each_known_code(codes, built, name):
    code = getattr(built.lib, name)
    want_cls, also = _expected(codes, built)[code]
    _expect_error(codes, built, f"check(lib.{name}) (status {code})", _check(codes), (code,), code, want_cls, also)


# Unknown codes just past the known ones (-5), far from them (-42), and positive: 7, and 1 to 4, the known codes'
# mirror images (a table indexed by -code answers them from its other end: table[-1] is its last entry).
@pytest.mark.parametrize(
    "code", [-42, -5, 7, 1, 2, 3, 4], ids=["minus-42", "minus-5", "plus-7", "plus-1", "plus-2", "plus-3", "plus-4"]
)
def test_unknown_codes_are_kverror(codes, built, code):
    kverror = _classes(codes)["KVError"]
    _expect_error(
        codes, built, f"check({code}) (a status codes.py does not know)", _check(codes), (code,), code, kverror
    )


def _store(codes, capacity):
    cls = getattr(codes, "Store", None)
    if not isinstance(cls, type):
        pytest.fail("codes.py has no class Store: keep the starter's `class Store`.")
    status, got = _run(f"Store({capacity})", cls, capacity)
    if status == "raised":
        pytest.fail(
            f"Store({capacity}) raised {_show(got)}; expected a store: kv_open succeeds for a capacity from 1 to 1000."
        )
    return got


def _ok(what, func, *args):
    status, got = _run(what, func, *args)
    if status == "raised":
        pytest.fail(
            f"{what} raised {_show(got)}; expected it to succeed: check() must raise only when the status is not KV_OK."
        )
    return got


def test_store_round_trip(codes, built):
    store = _store(codes, 3)
    _ok("store.put('apple', 3)", store.put, "apple", 3)
    _ok("store.put('pear', -7)", store.put, "pear", -7)
    _ok("store.put('apple', 5)", store.put, "apple", 5)  # replaces: the store is not fuller
    for key, want in (("apple", 5), ("pear", -7)):
        got = _ok(f"store.get({key!r})", store.get, key)
        if got != want:
            pytest.fail(
                f"store.get({key!r}) returned {got!r}; expected {want}, the value kv_get wrote through "
                "its int * out-parameter (value[0])."
            )
    _ok("store.delete('apple')", store.delete, "apple")


def test_missing_key(codes, built):
    store = _store(codes, 3)
    _ok("store.put('apple', 3)", store.put, "apple", 3)
    cls = _classes(codes)["KeyNotFoundError"]
    _expect_error(
        codes,
        built,
        "store.get('banana') (a key that is not there)",
        store.get,
        ("banana",),
        built.lib.KV_ENOTFOUND,
        cls,
        KeyError,
    )
    _expect_error(codes, built, "store.delete('banana')", store.delete, ("banana",), built.lib.KV_ENOTFOUND, cls)


def test_full_store(codes, built):
    store = _store(codes, 2)
    _ok("store.put('a', 1)", store.put, "a", 1)
    _ok("store.put('b', 2)", store.put, "b", 2)
    _expect_error(
        codes,
        built,
        "store.put('c', 3) on a store of capacity 2 holding 2 keys",
        store.put,
        ("c", 3),
        built.lib.KV_EFULL,
        _classes(codes)["StoreFullError"],
    )


@pytest.mark.parametrize("key", ["", "k" * 32], ids=["empty", "32-bytes"])
def test_invalid_key(codes, built, key):
    store = _store(codes, 2)
    cls = _classes(codes)["InvalidArgumentError"]
    _expect_error(
        codes,
        built,
        f"store.put({key!r}, 1) (keys have 1 to {built.lib.KV_KEY_MAX} bytes)",
        store.put,
        (key, 1),
        built.lib.KV_EINVAL,
        cls,
        ValueError,
    )
    _expect_error(codes, built, f"store.get({key!r})", store.get, (key,), built.lib.KV_EINVAL, cls)


@pytest.mark.parametrize("capacity", [0, 1001])
def test_open_reports_through_the_out_parameter(codes, built, capacity):
    cls = getattr(codes, "Store", None)
    _expect_error(
        codes,
        built,
        f"Store({capacity}) (kv_open returns NULL and puts KV_EINVAL in *status)",
        cls,
        (capacity,),
        built.lib.KV_EINVAL,
        _classes(codes)["InvalidArgumentError"],
        ValueError,
    )


def test_open_out_of_memory(codes, built):
    built.lib.kv_fail_next(built.lib.KV_ENOMEM)
    try:
        _expect_error(
            codes,
            built,
            "Store(4) while kv_open fails with KV_ENOMEM in *status",
            codes.Store,
            (4,),
            built.lib.KV_ENOMEM,
            _classes(codes)["OutOfMemoryError"],
            MemoryError,
        )
    finally:
        built.lib.kv_fail_next(built.lib.KV_OK)


@pytest.mark.parametrize(("method", "args"), [("put", ("k", 1)), ("get", ("k",)), ("delete", ("k",))])
def test_unknown_status_from_c(codes, built, method, args):
    store = _store(codes, 2)
    _ok("store.put('k', 1)", store.put, "k", 1)
    func = getattr(store, method)
    call = f"store.{method}({', '.join(map(repr, args))})"
    built.lib.kv_fail_next(-17)
    try:
        _expect_error(
            codes,
            built,
            f"{call} while kv_{method} returns the unknown status -17",
            func,
            args,
            -17,
            _classes(codes)["KVError"],
        )
    finally:
        built.lib.kv_fail_next(built.lib.KV_OK)


def test_stores_are_closed(codes, built):
    for _ in range(3):
        gc.collect()
    before = built.lib.kv_open_stores()
    stores = [_store(codes, 5) for _ in range(50)]
    opened = built.lib.kv_open_stores() - before
    del stores
    for _ in range(3):
        gc.collect()
    left = built.lib.kv_open_stores() - before
    if opened != 50 or left != 0:
        pytest.fail(
            f"50 Store(5) objects opened {opened} C stores and, once dropped and collected, left {left} "
            "open; expected 50 and 0: keep the pointer as self._p = ffi.gc(p, lib.kv_close), so that the "
            "collector closes it."
        )


class _OtherValue(LibSpy):
    """Stands in for lib: after each successful kv_get, the int C wrote becomes 1000 more. A Store that keeps its
    values in Python as well and answers get() from there is right for every key; only this tells it from one that
    returns what kv_get wrote."""

    def wrap(self, name, target):
        call = super().wrap(name, target)
        if name != "kv_get":
            return call

        def kv_get(*args):
            status = call(*args)
            if status == self.lib.KV_OK and len(args) == 3:
                try:
                    args[2][0] += 1000
                except (TypeError, IndexError):
                    pass
            return status

        return kv_get


def test_get_returns_what_c_wrote(codes, built, monkeypatch):
    spy = install_lib_spy(codes, built, monkeypatch, _OtherValue(built.lib))
    store = _store(codes, 3)
    _ok("store.put('apple', 3)", store.put, "apple", 3)
    got = _ok("store.get('apple')", store.get, "apple")
    if "kv_get" not in spy.names() or got != 1003:
        pytest.fail(
            f"store.get('apple') returned {got!r} after store.put('apple', 3), while the grader's stand-in "
            "for lib.kv_get wrote 1003 through the int * (a value of its own, to see where the answer "
            "comes from): expected 1003. Return what kv_get wrote (value[0]), not a copy kept in Python."
        )
