"""Grader for 14_capstone/kvstore: kv.c built by the learner's builder, wrapped in a mutable mapping.

kvstore_build.py must compile kv.c into ``_kvstore_cffi`` with a cdef holding
kv.h's declarations (checked: each function is there with kv.h's type, the
constants have kv.h's values). Everything else is checked through
kvstore.py's ``Store`` only, against a dict doing the same operations, and
through the library's counters: ``kv_live_stores()`` (stores not closed yet)
and ``kv_misuses()`` (calls given a NULL or closed store, which a real library
would turn into a crash).

The edge cases: values with NUL bytes, empty values and values far larger
than any first guess of a buffer (the two-call protocol of kv_get); keys
with non-ASCII characters, keys whose *UTF-8* length is just under and just
over KV_MAX_KEY, the empty key, a key holding a NUL (C would read another
key); KeyError carrying the key; a full store (StoreFullError, yet replacing
a value still works); capacities C refuses; close() at once and exactly
once, twice, use after close (ValueError, and C never sees the closed
store), `with` blocks that end normally or raise; thousands of stores
dropped without close(). Iteration and foreach() are the other exercise's.
"""

from __future__ import annotations

import operator

import pytest

from grader.testing import CCounters, LibSpy, collect_garbage, install_lib_spy

BUILDER = "kvstore_build.py"

# kv.h's functions, with the type cffi must see (`const` is not part of a cffi type name).
FUNCTIONS = {
    "kv_open": "int(*)(size_t, kv_store **)",
    "kv_close": "int(*)(kv_store *)",
    "kv_count": "size_t(*)(kv_store *)",
    "kv_put": "int(*)(kv_store *, char *, char *, size_t)",
    "kv_get": "int(*)(kv_store *, char *, char *, size_t, size_t *)",
    "kv_delete": "int(*)(kv_store *, char *)",
    "kv_iter_new": "int(*)(kv_store *, kv_iter **)",
    "kv_iter_next": "int(*)(kv_iter *, char **)",
    "kv_iter_free": "void(*)(kv_iter *)",
    "kv_foreach": "int(*)(kv_store *, kv_visit_fn, void *)",
    "kv_strerror": "char *(*)(int)",
}
CONSTANTS = {
    "KV_MAX_KEY": 255,
    "KV_MAX_CAPACITY": 1000000,
    "KV_OK": 0,
    "KV_DONE": 1,
    "KV_ESTOPPED": 2,
    "KV_ENOTFOUND": 3,
    "KV_EKEY": 4,
    "KV_EFULL": 5,
    "KV_ERANGE": 6,
    "KV_ECHANGED": 7,
    "KV_EBUSY": 8,
    "KV_EINVAL": 9,
    "KV_ENOMEM": 10,
}


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def kvstore(exercise, built):
    return exercise.import_module("kvstore")


collect = collect_garbage


@pytest.fixture
def counts(built):
    lib = built.lib
    return CCounters(lambda: (lib.kv_live_stores(), lib.kv_misuses()))


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _text(exc, limit=200):
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + "..."


def _do(text, func, *args, why=""):
    try:
        return func(*args)
    except NotImplementedError:
        pytest.fail(f"{text} raised NotImplementedError: replace the TODOs of kvstore.py with your code.")
    except Exception as exc:
        pytest.fail(f"{text} raised {type(exc).__name__}: {_text(exc)}. {why}".strip())


def _store(kvstore, *args):
    cls = getattr(kvstore, "Store", None)
    if not isinstance(cls, type):
        pytest.fail("kvstore.py has no class Store: keep the starter's `class Store(MutableMapping):`.")
    return _do(f"Store({', '.join(map(repr, args))})", cls, *args)


def _raises(text, expected, func, *args, why=""):
    """Call func(*args), which must raise `expected`; return the exception."""
    try:
        got = func(*args)
    except expected as exc:
        return exc
    except NotImplementedError:
        pytest.fail(f"{text} raised NotImplementedError: replace the TODOs of kvstore.py with your code.")
    except Exception as exc:
        pytest.fail(f"{text} raised {type(exc).__name__}: {_text(exc)}; expected {expected.__name__}. {why}".strip())
    pytest.fail(f"{text} returned {_short(got)} instead of raising {expected.__name__}. {why}".strip())


def _misuse_check(counts, what):
    misuses = counts.delta()[1]
    if misuses:
        pytest.fail(
            f"{what}: a kv_* function was given a NULL or closed store {misuses} time(s). In a real library "
            "that reads freed memory or crashes. Check in Python first (a closed Store raises ValueError "
            "before any C call; a failed kv_open leaves no store to wrap), and let one owner close it: "
            "ffi.gc(p, lib.kv_close), and ffi.release() to close early."
        )


def _get(store, key):
    return _do(f"store[{key!r}]", operator.getitem, store, key)


def _put(store, key, value):
    _do(f"store[{key!r}] = {_short(value, 40)}", operator.setitem, store, key, value)


def test_builder_declares_kv_h(built):
    ffi, lib = built.ffi, built.lib
    problems = []
    for name, ctype in FUNCTIONS.items():
        func = getattr(lib, name, None)
        if func is None:
            problems.append(f"lib.{name} does not exist: declare it in cdef() as kv.h does")
            continue
        try:
            want = ffi.typeof(ctype)
        except Exception as exc:
            problems.append(
                f"the type {ctype} is unknown to your ffi ({type(exc).__name__}: {exc}): declare the "
                "typedefs of kv.h (kv_store, kv_iter, kv_visit_fn) in cdef()"
            )
            continue
        got = ffi.typeof(func)
        if got is not want:
            problems.append(
                f"lib.{name} has the type {got.cname}, expected {want.cname}: copy its declaration from kv.h"
            )
    for name, value in CONSTANTS.items():
        got = getattr(lib, name, None)
        if got != value:
            problems.append(
                f"lib.{name} is {got!r}, expected {value} (kv.h): declare it in cdef(); "
                "`#define NAME ...` lets the compiler give the value"
            )
    if problems:
        pytest.fail("kvstore_build.py does not declare kv.h completely:\n- " + "\n- ".join(problems))


def test_put_get_delete_like_a_dict(kvstore, counts):
    store = _store(kvstore, 50)
    model = {}
    steps = [
        ("put", "alpha", b"1"),
        ("put", "beta", b"two"),
        ("put", "alpha", b"one, replaced"),
        ("put", "gamma", b"3"),
        ("del", "beta", None),
        ("put", "beta", b"back"),
        ("put", "delta", b"4"),
        ("del", "alpha", None),
    ]
    for op, key, value in steps:
        if op == "put":
            _put(store, key, value)
            model[key] = value
        else:
            _do(f"del store[{key!r}]", operator.delitem, store, key)
            del model[key]
        for k, v in model.items():
            got = _get(store, k)
            if got != v:
                pytest.fail(f"After {op} {key!r}, store[{k!r}] returned {_short(got)}, expected {v!r}.")
        length = _do("len(store)", len, store)
        if length != len(model):
            pytest.fail(f"After {op} {key!r}, len(store) returned {length!r}, expected {len(model)} (lib.kv_count).")
    for key, want in (("gamma", True), ("alpha", False), ("nowhere", False)):
        got = _do(f"{key!r} in store", operator.contains, store, key)
        if got is not want:
            pytest.fail(f"{key!r} in store returned {got!r}, expected {want}.")
    _misuse_check(counts, "Putting, getting and deleting")


@pytest.mark.parametrize("size", [0, 1, 255, 256, 257, 4096, 100_000, 1_000_000])
def test_values_keep_every_byte(kvstore, counts, size):
    store = _store(kvstore, 10)
    value = bytes((i * 7 + 3) % 256 for i in range(size)) if size < 5000 else (b"\0abc\xff" * (size // 5 + 1))[:size]
    _put(store, "v", value)
    got = _do(
        "store['v']",
        operator.getitem,
        store,
        "v",
        why=f"The value is {size} bytes: when kv_get returns KV_ERANGE, *needed says how big the buffer must "
        "be; call kv_get again with a buffer that big (the two-call protocol).",
    )
    if not isinstance(got, bytes):
        pytest.fail(f"store['v'] returned a {type(got).__name__} ({_short(got)}), expected bytes.")
    if got != value:
        hint = ""
        if len(got) < len(value) and value.startswith(got):
            hint = " It is cut short: " + (
                "at the first NUL byte, as ffi.string() does. Copy exactly *needed "
                "bytes with ffi.unpack(buf, needed[0])."
                if value[len(got) : len(got) + 1] == b"\0"
                else "a value longer than your first buffer needs a second "
                "kv_get, with a buffer of *needed bytes (KV_ERANGE says so)."
            )
        pytest.fail(
            f"After store['v'] = a value of {len(value)} bytes ({_short(value, 40)}), store['v'] returned "
            f"{len(got)} bytes ({_short(got, 40)}), not the same bytes.{hint}"
        )
    _misuse_check(counts, f"A value of {size} bytes")


def test_keys_are_utf8_text(kvstore, counts):
    store = _store(kvstore, 10)
    entries = {"clé": b"fr", "日本語": b"ja", "emoji 🐍": b"snake", "a": b"short"}
    for key, value in entries.items():
        _put(store, key, value)
    for key, value in entries.items():
        got = _get(store, key)
        if got != value:
            pytest.fail(
                f"store[{key!r}] returned {_short(got)}, expected {value!r}: keys are str, encoded as UTF-8 for C."
            )
    # The longest key is KV_MAX_KEY bytes of UTF-8, whatever the number of characters.
    for key in ("k" * 255, "é" * 127 + "x"):
        _put(store, key, b"long key")
        if _get(store, key) != b"long key":
            pytest.fail(f"A key of {len(key)} characters ({len(key.encode())} bytes in UTF-8) did not round-trip.")
    _misuse_check(counts, "Non-ASCII keys")


def _call_repr(exc):
    """KeyError('no such key: x'), as the learner wrote it: `KeyError{exc.args!r}` would show a
    one-argument tuple's comma, KeyError('no such key: x',)."""
    return f"{type(exc).__name__}({', '.join(map(repr, exc.args))})"


def test_a_missing_key_is_a_keyerror_carrying_the_key(kvstore, counts):
    store = _store(kvstore, 10)
    _put(store, "here", b"x")
    for key in ("missing", "clé absente"):
        exc = _raises(f"store[{key!r}] (no such key)", KeyError, operator.getitem, store, key)
        if exc.args != (key,):
            pytest.fail(
                f"store[{key!r}] raised {_call_repr(exc)}; a dict raises KeyError({key!r}): the key "
                "itself, as the caller gave it, is the exception's only argument."
            )
        exc = _raises(f"del store[{key!r}] (no such key)", KeyError, operator.delitem, store, key)
        if exc.args != (key,):
            pytest.fail(f"del store[{key!r}] raised {_call_repr(exc)}, expected KeyError({key!r}).")
    if _get(store, "here") != b"x":
        pytest.fail("After failed lookups, store['here'] no longer returns b'x'.")
    _misuse_check(counts, "Missing keys")


def test_invalid_keys_raise_valueerror(kvstore, counts):
    store = _store(kvstore, 10)
    _put(store, "a", b"the value of 'a'")
    why_nul = (
        "C reads a char * up to the first NUL: it would see 'a', another key. Refuse keys holding '\\0' in Python."
    )
    cases = [
        ("", "C refuses an empty key (KV_EKEY)"),
        ("k" * 256, "the key is 256 bytes, over KV_MAX_KEY (KV_EKEY)"),
        ("é" * 128, "the key has 128 characters but 256 bytes in UTF-8, over KV_MAX_KEY (KV_EKEY)"),
        ("a\0b", why_nul),
    ]
    for key, why in cases:
        _raises(f"store[{_short(key, 30)}] = b'x'", ValueError, operator.setitem, store, key, b"x", why=why)
        _raises(f"store[{_short(key, 30)}]", ValueError, operator.getitem, store, key, why=why)
        _raises(f"del store[{_short(key, 30)}]", ValueError, operator.delitem, store, key, why=why)
    got = _get(store, "a")
    if got != b"the value of 'a'":
        pytest.fail(
            f"After store['a\\0b'] = b'x' (which must raise ValueError), store['a'] is {got!r}: the NUL cut "
            "the key short and C replaced the value of 'a'. Refuse keys holding '\\0' before calling C."
        )
    length = _do("len(store)", len, store)
    if length != 1:
        pytest.fail(f"After refused keys, len(store) is {length!r}, expected 1: nothing may be stored.")
    _misuse_check(counts, "Invalid keys")


def test_wrong_types_raise_typeerror(kvstore, counts):
    store = _store(kvstore, 10)
    for key in (b"bytes key", 42, None):
        _raises(
            f"store[{key!r}] = b'x'",
            TypeError,
            operator.setitem,
            store,
            key,
            b"x",
            why="Keys are str: check isinstance(key, str).",
        )
    for value in ("text, not bytes", 42, None):
        _raises(f"store['k'] = {value!r}", TypeError, operator.setitem, store, "k", value, why="Values are bytes.")
    length = _do("len(store)", len, store)
    if length != 0:
        pytest.fail(f"After refused keys and values, len(store) is {length!r}, expected 0.")
    _misuse_check(counts, "Wrong types")


def test_a_full_store_raises_storefullerror(kvstore, counts):
    full_error = getattr(kvstore, "StoreFullError", None)
    if not (isinstance(full_error, type) and issubclass(full_error, Exception)):
        pytest.fail("kvstore.py has no exception class StoreFullError: keep the starter's.")
    store = _store(kvstore, 3)
    for key in ("one", "two", "three"):
        _put(store, key, b"x")
    exc = _raises(
        "store['four'] = b'x' (a Store(3) holding 3 keys)",
        full_error,
        operator.setitem,
        store,
        "four",
        b"x",
        why="kv_put returns KV_EFULL: raise kvstore.StoreFullError.",
    )
    if isinstance(exc, (KeyError, ValueError)):
        pytest.fail(
            "StoreFullError must not be a KeyError or a ValueError: the key and the value are fine, the store is full."
        )
    _put(store, "two", b"replaced")  # replacing a value needs no room
    if _get(store, "two") != b"replaced":
        pytest.fail("In a full store, store['two'] = b'replaced' did not replace the value.")
    _do("del store['one']", operator.delitem, store, "one")
    _put(store, "four", b"now there is room")
    _misuse_check(counts, "A full store")


def test_capacity_out_of_range_is_a_valueerror(kvstore, built, counts):
    cls = kvstore.Store
    for capacity in (0, built.lib.KV_MAX_CAPACITY + 1):
        _raises(
            f"Store({capacity})",
            ValueError,
            cls,
            capacity,
            why=f"kv_open returns KV_EINVAL for a capacity outside 1..{built.lib.KV_MAX_CAPACITY}, and sets "
            "*out to NULL: check the status before wrapping the pointer.",
        )
    collect()
    live = counts.delta()[0]
    if live:
        pytest.fail(f"After refused capacities, {live} stores are alive.")
    _misuse_check(counts, "Refused capacities (and their collection)")
    store = _store(kvstore)  # the default capacity
    _put(store, "k", b"v")


def test_close_closes_at_once_and_only_once(kvstore, counts):
    store = _store(kvstore, 10)
    _put(store, "k", b"v")
    if counts.delta()[0] != 1:
        pytest.fail(f"After Store(10), {counts.delta()[0]} more stores are alive in C, expected 1.")
    _do("store.close()", store.close)
    if counts.delta()[0] != 0:
        pytest.fail(
            "Right after store.close() (no gc.collect() yet), the C store is still open: close() must call "
            "kv_close now. ffi.release(p) runs the ffi.gc destructor at once."
        )
    closed = _do("store.closed", operator.attrgetter("closed"), store)
    if closed is not True:
        pytest.fail(f"After close(), store.closed is {closed!r}, expected True.")
    _do("store.close() a second time", store.close)
    del store
    collect()
    _misuse_check(counts, "close(), close() again, then the Store's collection")


def test_a_closed_store_raises_valueerror(kvstore, counts):
    store = _store(kvstore, 10)
    _put(store, "k", b"v")
    _do("store.close()", store.close)
    for text, func in (
        ("store['k']", lambda: store["k"]),
        ("store['k'] = b'w'", lambda: store.__setitem__("k", b"w")),
        ("del store['k']", lambda: store.__delitem__("k")),
        ("len(store)", lambda: len(store)),
        ("'k' in store", lambda: "k" in store),
    ):
        _raises(
            f"{text} after close()",
            ValueError,
            func,
            why="A closed Store raises ValueError, as a closed file does, and never calls C.",
        )
    _misuse_check(counts, "Using a closed Store")


def test_with_block_closes(kvstore, counts):
    cls = kvstore.Store
    with _do("Store(10).__enter__()", cls(10).__enter__) as store:
        if not isinstance(store, cls):
            pytest.fail(f"`with Store(10) as store` gave store = {store!r}: __enter__ must return self.")
        _put(store, "k", b"v")
    if counts.delta()[0] != 0:
        pytest.fail(
            "At the end of a `with Store(10) as store:` block the C store is still open: __exit__ must close it."
        )

    class Boom(Exception):
        pass

    try:
        with cls(10) as store:
            store["k"] = b"v"
            raise Boom("raised inside the with block")
    except Boom:
        pass
    except NotImplementedError:
        pytest.fail("Store.__exit__ raised NotImplementedError: replace the TODOs of kvstore.py with your code.")
    else:
        pytest.fail(
            "An exception raised inside `with Store() as store:` vanished: __exit__ returned a true value, "
            "which swallows it. Return None."
        )
    if counts.delta()[0] != 0:
        pytest.fail("When the body of `with Store(10) as store:` raises, the C store must still be closed.")
    _misuse_check(counts, "with blocks")


def test_thousands_of_stores_leave_nothing_behind(kvstore, counts):
    cls = kvstore.Store
    for i in range(3000):
        store = _do("Store(4)", cls, 4)
        store[f"key {i}"] = b"x" * (i % 40)
        if i % 3 == 0:
            store.close()
    del store
    collect()
    live, misuses = counts.delta()
    if misuses:
        _misuse_check(counts, "3000 Stores made and dropped (a third of them closed first)")
    if live:
        pytest.fail(
            f"After 3000 Stores were made and dropped (a third of them closed first) and gc.collect(), {live} "
            "C stores were still open: tie kv_close to the object with ffi.gc(p, lib.kv_close)."
        )


class _OtherValue(LibSpy):
    """Stands in for lib: after each successful kv_get, the first byte C wrote into the buffer becomes b"C". A
    Store that keeps its values in Python as well (a dict next to the C store) and answers store[key] from there
    is right for every key; only this tells it from one that returns what kv_get wrote."""

    def __init__(self, lib, ffi):
        super().__init__(lib, ffi)

    def wrap(self, name, target):
        call = super().wrap(name, target)
        if name != "kv_get":
            return call

        def kv_get(*args):
            status = call(*args)
            buf, size, needed = args[2], args[3], args[4]
            ffi = self.ffi
            if (
                status == self.lib.KV_OK
                and isinstance(buf, ffi.CData)
                and buf != ffi.NULL
                and isinstance(needed, ffi.CData)
                and needed != ffi.NULL
                and 0 < needed[0] <= size
            ):
                ffi.memmove(buf, b"C", 1)
            return status

        return kv_get


def test_values_come_from_c(kvstore, built, monkeypatch, counts):
    spy = install_lib_spy(kvstore, built, monkeypatch, _OtherValue(built.lib, built.ffi))
    store = _store(kvstore)
    _put(store, "greeting", b"hello")
    got = _get(store, "greeting")
    if "kv_get" not in spy.names() or got != b"Cello":
        pytest.fail(
            f"store['greeting'] returned {_short(got)} after store['greeting'] = b'hello', while the "
            "grader's stand-in for lib.kv_get wrote b'Cello' into the buffer (a value of its own, to see "
            "where the answer comes from): expected b'Cello'. Read the value from C with kv_get, every "
            "time; a copy kept in Python is a second store that C knows nothing of."
        )
    _do("store.close()", store.close)
    _misuse_check(counts, "Reading through the stand-in")
