"""Grader for 14_capstone/kviter: iterating over a C store, and a Python callback that may raise.

kvstore.py's ``Store`` (the other exercise makes it a mapping) must iterate
over its keys through the C iterator (kv_iter_new / kv_iter_next /
kv_iter_free) and call a Python function for each entry through kv_foreach
and an extern "Python" callback. Checked through the Python API and the
library's counters: ``kv_live_iters()`` (iterators not freed yet),
``kv_live_stores()`` and ``kv_misuses()`` (calls given a NULL, closed or
freed store or iterator, which a real library would turn into a crash).

The edge cases: the order of keys after deletions, non-ASCII keys, a key put
and one deleted through the C API behind the Store's back (the keys come from
C, not from a copy kept in Python), items() with NUL-holding and empty values,
two iterators at once; the C iterator freed when a loop ends, breaks out early or raises (after gc.collect());
a key added or deleted during a loop (RuntimeError; replacing a value is
fine); the store closed during a loop (ValueError, and C never sees the
closed store). For foreach(): order and values, stopping on a true result,
an exception from the callback propagating to the caller unchanged and
stopping C at once (nothing printed as "ignored"), a callback that changes
the store (RuntimeError), foreach() nested in a callback on the same store
and on another one, and no Python object kept alive after the call.
"""

from __future__ import annotations

import contextlib
import operator
import weakref

import pytest

from grader.testing import CCounters, LibSpy, callback_output, collect_garbage, install_lib_spy

BUILDER = "kvstore_build.py"


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
    return CCounters(lambda: (lib.kv_live_stores(), lib.kv_live_iters(), lib.kv_misuses()))


@pytest.fixture
def printed(capfd, monkeypatch):
    """What cffi prints while C calls back into Python (grader.testing.callback_output)."""
    return callback_output(capfd, monkeypatch)


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _text(exc, limit=200):
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + "..."


def _do(text, func, *args):
    try:
        return func(*args)
    except NotImplementedError:
        pytest.fail(f"{text} raised NotImplementedError: replace the TODOs of kvstore.py with your code.")
    except Exception as exc:
        pytest.fail(f"{text} raised {type(exc).__name__}: {_text(exc)}")


def _store(kvstore, entries=(), capacity=50):
    cls = getattr(kvstore, "Store", None)
    if not isinstance(cls, type):
        pytest.fail("kvstore.py has no class Store: keep the starter's `class Store(MutableMapping):`.")
    store = _do(f"Store({capacity})", cls, capacity)
    for key, value in dict(entries).items():
        _do(f"store[{key!r}] = {_short(value, 30)}", operator.setitem, store, key, value)
    return store


def _keys(store, text="list(store)"):
    return _do(text, list, store)


def _foreach(store, func, text="store.foreach(func)"):
    method = getattr(store, "foreach", None)
    if not callable(method):
        pytest.fail("Store has no method foreach: keep the starter's `def foreach(self, func):`.")
    return _do(text, method, func)


def _misuse_check(counts, what):
    misuses = counts.delta()[2]
    if misuses:
        pytest.fail(
            f"{what}: a kv_* function was given a NULL, closed or freed store or iterator {misuses} "
            "time(s). In a real library that reads freed memory or crashes. Check that the store is open "
            "before each C call (ValueError otherwise), and free each iterator exactly once."
        )


def _leak_check(counts, what):
    """Fail if `what` (the steps since the check began, or since the last _leak_check of this
    check) left C iterators behind; then count from here, so that each step reports its own."""
    collect()
    iters = counts.delta()[1]
    if iters:
        pytest.fail(
            f"{what}: after gc.collect(), {iters} C iterator(s) were never freed. Every kv_iter_new needs "
            "its kv_iter_free: in a generator, put it in a `finally:` block, which runs at the end of the "
            "loop, on an exception, and when a loop that broke out drops the generator."
        )
    _misuse_check(counts, what)
    counts.start = counts.now()


class Oops(Exception):
    """Raised by the grader's callbacks and loops."""


ENTRIES = {"first": b"1", "clé": b"", "日本": b"a\0b", "last": b"\0"}


def test_builder_declares_the_callback(built):
    ffi, lib = built.ffi, built.lib
    func = getattr(lib, "kv_visit", None)
    if func is None:
        pytest.fail(
            "lib.kv_visit does not exist: declare the callback in kvstore_build.py's cdef(), "
            'extern "Python" int kv_visit(const char *key, const char *value, size_t len, void *userdata);'
        )
    want = ffi.typeof("kv_visit_fn")
    if ffi.typeof(func) is not want:
        pytest.fail(f"lib.kv_visit has the type {ffi.typeof(func).cname}, expected {want.cname} (kv_visit_fn).")


def test_keys_in_order(kvstore, counts):
    store = _store(kvstore, ENTRIES)
    got = _keys(store)
    if got != list(ENTRIES):
        pytest.fail(
            f"list(store) returned {got!r}, expected {list(ENTRIES)!r}: the keys, as str, in the order C "
            "gives them (the order they were first put)."
        )
    _do("del store['clé']", operator.delitem, store, "clé")
    _do("store['clé'] = b'again'", operator.setitem, store, "clé", b"again")
    _do("store['first'] = b'replaced'", operator.setitem, store, "first", b"replaced")
    want = ["first", "日本", "last", "clé"]
    got = _keys(store)
    if got != want:
        pytest.fail(
            f"After deleting 'clé', putting it back and replacing the value of 'first', list(store) returned "
            f"{got!r}, expected {want!r}."
        )
    empty = _store(kvstore)
    if _keys(empty, "list(Store(50))") != []:
        pytest.fail("list() of an empty store is not [].")
    _leak_check(counts, "Iterating")


def test_keys_come_from_c(kvstore, built, monkeypatch, counts):
    """A key put into the C store, or deleted from it, through the C API and behind the Store's back,
    must show in a loop and in foreach(): a Store that answers from a copy of its keys kept in Python
    (walking the C iterator only to know when to stop) cannot know of either."""
    # pass_pointers: lib.kv_visit reaches kv_foreach as the C function pointer it is.
    spy = install_lib_spy(kvstore, built, monkeypatch, LibSpy(built.lib, built.ffi, pass_pointers=True))
    store = _store(kvstore, ENTRIES)
    put = spy.last("kv_put")
    ffi, lib = built.ffi, built.lib
    pointer = put[1][0] if put is not None and put[1] else None
    if not (isinstance(pointer, ffi.CData) and ffi.typeof(pointer) is ffi.typeof("kv_store *")):
        pytest.fail(
            f"store[key] = value handed lib.kv_put {_short(pointer)} as the store, expected the kv_store * "
            "that kv_open gave: the grader needs it to change the store through C."
        )
    # Through C itself, as another part of a program using the same kv_store would.
    deleted, added = lib.kv_delete(pointer, b"first"), lib.kv_put(pointer, b"from C", b"c", 1)
    if deleted != lib.KV_OK or added != lib.KV_OK:
        pytest.fail("The grader could not change the store through lib.kv_delete / lib.kv_put: is it open?")
    want = [*list(ENTRIES)[1:], "from C"]
    got = _keys(store)
    if got != want:
        pytest.fail(
            f"The grader deleted 'first' and put 'from C' through lib.kv_delete and lib.kv_put, on the store's "
            f"own kv_store *; then list(store) returned {got!r}, expected {want!r}. Take each key from "
            "kv_iter_next (ffi.string() of the pointer it sets): a copy of the keys kept in Python is a "
            "second store that C knows nothing of."
        )
    seen = []
    _foreach(store, lambda key, value: seen.append(key))
    if seen != want:
        pytest.fail(
            f"After the same changes through C, store.foreach(func) called func with the keys {seen!r}, "
            f"expected {want!r}: pass func the key C gives the callback."
        )
    _do("store.close()", store.close)
    _leak_check(counts, "Keys changed through C")


def test_items_and_two_iterators_at_once(kvstore, counts):
    store = _store(kvstore, ENTRIES)
    got = _do("list(store.items())", lambda: list(store.items()))
    if got != list(ENTRIES.items()):
        pytest.fail(f"list(store.items()) returned {_short(got, 200)}, expected {list(ENTRIES.items())!r}.")
    pairs = _do("list(zip(store, store))", lambda: list(zip(store, store)))
    if pairs != [(k, k) for k in ENTRIES]:
        pytest.fail(
            f"Two iterators over one store, side by side (zip(store, store)), gave {pairs!r}: each iterator "
            "needs its own C iterator (a new kv_iter_new per iter(store))."
        )
    _leak_check(counts, "items() and two iterators at once")


def test_iteration_uses_the_c_iterator(kvstore, counts):
    store = _store(kvstore, ENTRIES)
    it = _do("iter(store)", iter, store)
    first = _do("next(iter(store))", next, it)
    if first != "first":
        pytest.fail(f"next(iter(store)) returned {first!r}, expected 'first'.")
    if counts.delta()[1] != 1:
        pytest.fail(
            f"While a loop over the store runs, {counts.delta()[1]} C iterators are alive, expected 1: "
            "iterate with kv_iter_new and kv_iter_next (C then notices a store that changes during the "
            "loop), not over a copy of the keys."
        )
    rest = _do("list(the rest of the iterator)", list, it)
    if rest != list(ENTRIES)[1:]:
        pytest.fail(f"The rest of the iteration gave {rest!r}, expected {list(ENTRIES)[1:]!r}.")
    iters = counts.delta()[1]
    if iters:
        pytest.fail(
            "When a loop over the store reaches its end, the C iterator must be freed at once (no "
            f"gc.collect() needed): {iters} still alive. Call kv_iter_free when kv_iter_next says KV_DONE, "
            "for instance in the generator's `finally:` block."
        )
    del it
    _leak_check(counts, "A loop to the end")


def test_breaking_out_frees_the_iterator(kvstore, counts):
    store = _store(kvstore, ENTRIES)
    _do("next(iter(store))", lambda: next(iter(store)))
    _leak_check(counts, "`next(iter(store))`, a loop dropped after one key")
    for _key in store:
        break
    _leak_check(counts, "`for key in store: break`")
    with contextlib.suppress(Oops):
        for _key in store:
            raise Oops("raised in the body of a loop")
    _leak_check(counts, "A loop over the store whose body raised")
    for _ in range(500):
        it = iter(store)
        next(it)
        del it
    _leak_check(counts, "500 loops that stopped after one key")


def test_changing_the_store_during_a_loop(kvstore, counts):
    store = _store(kvstore, ENTRIES)
    for change, func in (
        ("store['new'] = b'x'", lambda: store.__setitem__("new", b"x")),
        ("del store['last']", lambda: store.__delitem__("last")),
    ):
        seen = []
        try:
            for key in store:
                seen.append(key)
                if len(seen) == 2:
                    func()
        except RuntimeError:
            pass
        except NotImplementedError:
            pytest.fail("Iterating raised NotImplementedError: replace the TODOs of kvstore.py with your code.")
        except Exception as exc:
            pytest.fail(
                f"{change} during a loop over the store, then the next step raised {type(exc).__name__}: "
                f"{exc}; expected RuntimeError (kv_iter_next returns KV_ECHANGED), as with a dict."
            )
        else:
            pytest.fail(
                f"{change} during a loop over the store: the loop went on and gave {seen!r}. kv_iter_next "
                "returns KV_ECHANGED then: raise RuntimeError, as a dict does."
            )
    seen = []
    for key in _do("iter(store)", iter, store):
        seen.append(key)
        store[key] = b"replaced"  # replacing values is not a change of keys
    if seen != _keys(store):
        pytest.fail(f"Replacing values during a loop must not stop it (a dict allows it too): the loop gave {seen!r}.")
    _leak_check(counts, "Changing the store during a loop")


def test_closing_the_store_during_a_loop(kvstore, counts):
    store = _store(kvstore, ENTRIES)
    it = _do("iter(store)", iter, store)
    _do("next(iter(store))", next, it)
    _do("store.close()", store.close)
    try:
        got = next(it)
    except ValueError:
        pass
    except Exception as exc:
        pytest.fail(
            f"next() on a loop over a store closed meanwhile raised {type(exc).__name__}: {_text(exc)}; expected "
            "ValueError (check that the store is open before each kv_iter_next)."
        )
    else:
        pytest.fail(f"next() on a loop over a store closed meanwhile returned {got!r}; expected ValueError.")
    del it
    _leak_check(counts, "A store closed during a loop")
    for text, func in (
        ("list(store) after close()", lambda: list(store)),
        ("store.foreach(print) after close()", lambda: store.foreach(print)),
    ):
        try:
            func()
        except ValueError:
            continue
        except Exception as exc:
            pytest.fail(f"{text} raised {type(exc).__name__}: {_text(exc)}; expected ValueError.")
        pytest.fail(f"{text} did not raise ValueError.")
    _misuse_check(counts, "Iterating over a closed store")


def test_foreach_visits_every_entry(kvstore, counts):
    store = _store(kvstore, ENTRIES)
    seen = []
    calls = _foreach(store, lambda key, value: seen.append((key, value)))
    if seen != list(ENTRIES.items()):
        pytest.fail(
            f"store.foreach(func) called func with {seen!r}, expected {list(ENTRIES.items())!r}: "
            "func(key as str, value as bytes), NULs included (ffi.unpack(value, length))."
        )
    if calls != len(ENTRIES):
        pytest.fail(f"store.foreach(func) returned {calls!r}, expected {len(ENTRIES)}, the number of calls.")
    empty = _store(kvstore)
    if _foreach(empty, lambda k, v: None, "Store().foreach(func)") != 0:
        pytest.fail("foreach() on an empty store must return 0.")
    _misuse_check(counts, "foreach()")


def test_foreach_stops_on_a_true_result(kvstore, counts):
    store = _store(kvstore, ENTRIES)
    for stop_value in (True, "stop", 1):
        seen = []

        def func(key, value, seen=seen, stop_value=stop_value):
            seen.append(key)
            return stop_value if len(seen) == 2 else None

        calls = _foreach(store, func, f"store.foreach(func returning {stop_value!r} at the 2nd entry)")
        if seen != list(ENTRIES)[:2] or calls != 2:
            pytest.fail(
                f"A func returning {stop_value!r} at the second entry (None before) was called for {seen!r}, "
                f"and foreach returned {calls!r}; expected {list(ENTRIES)[:2]!r} and 2: a true result "
                "(not only True) makes the callback return non-zero, and C stops."
            )
    _misuse_check(counts, "foreach() that stops")


def test_an_exception_in_func_propagates(kvstore, counts, printed):
    store = _store(kvstore, ENTRIES)
    seen = []
    raised = Oops("raised by func at the second entry")

    def func(key, value):
        seen.append(key)
        if len(seen) == 2:
            raise raised

    with printed() as out:
        try:
            got = store.foreach(func)
        except Oops as exc:
            if exc is not raised:
                pytest.fail(
                    "store.foreach(func) raised an Oops, but not the one func raised: raise the very "
                    "exception object you kept."
                )
        except NotImplementedError:
            pytest.fail("store.foreach raised NotImplementedError: replace the TODOs of kvstore.py with your code.")
        except Exception as exc:
            pytest.fail(
                f"func raised Oops, and store.foreach(func) raised {type(exc).__name__}: {_text(exc)}; the "
                "caller must get func's exception, as from a Python loop."
            )
        else:
            pytest.fail(
                f"func raised Oops at the second entry, and store.foreach(func) returned {got!r}: the "
                "exception was lost. cffi cannot pass it through C: catch it in the callback, keep it in "
                "the call's context, return non-zero so that C stops, and raise it after kv_foreach returns."
            )
    if seen != list(ENTRIES)[:2]:
        pytest.fail(
            f"func raised at the second entry, yet it was called for {seen!r}: C must stop at once (the "
            "callback returns non-zero after an exception)."
        )
    if out[0]:
        pytest.fail(
            "store.foreach(func) raised func's exception, but cffi also printed it as ignored:\n"
            f"{out[0][:500]}\nCatch it inside the callback (try/except, or onerror=)."
        )
    _do("store['after'] = b'x' (after a foreach that raised)", operator.setitem, store, "after", b"x")
    if _foreach(store, lambda k, v: None) != len(ENTRIES) + 1:
        pytest.fail("After a foreach whose func raised, the next foreach did not visit every entry.")
    _misuse_check(counts, "An exception in func")


def test_ctrl_c_and_exit_in_func_propagate(kvstore, counts, printed):
    """KeyboardInterrupt and SystemExit are not Exceptions: an `except Exception` in the callback lets them out."""
    for kind in (KeyboardInterrupt, SystemExit):
        store = _store(kvstore, ENTRIES)
        seen = []
        raised = kind(f"{kind.__name__} raised by func at the second entry")

        def func(key, value, seen=seen, raised=raised):
            seen.append(key)
            if len(seen) == 2:
                raise raised

        caught = None
        with printed() as out:
            try:
                got = store.foreach(func)
            except BaseException as exc:  # the test's own catch: nothing from here may reach pytest
                caught = exc
        if caught is None:
            pytest.fail(
                f"func raised {kind.__name__} at the second entry (Ctrl-C, or sys.exit() in func), and "
                f"store.foreach(func) returned {got!r}: the exception was lost. {kind.__name__} is not an "
                "Exception: `except Exception` in the callback does not catch it, so it reached cffi, which "
                "printed it and gave C 0. Catch BaseException in the callback, and raise it again after "
                "kv_foreach returns." + (f"\ncffi printed:\n{out[0][:500]}" if out[0] else "")
            )
        if caught is not raised:
            pytest.fail(
                f"func raised {kind.__name__} at the second entry, and store.foreach(func) raised "
                f"{type(caught).__name__}: {_text(caught)}; the caller must get func's exception itself."
            )
        if seen != list(ENTRIES)[:2]:
            pytest.fail(
                f"func raised {kind.__name__} at the second entry, yet it was called for {seen!r}: C must stop at once."
            )
    _misuse_check(counts, "KeyboardInterrupt in func")


def test_changing_the_store_inside_foreach(kvstore, counts):
    store = _store(kvstore, ENTRIES)
    try:
        store.foreach(lambda key, value: store.__setitem__("added", b"x"))
    except RuntimeError:
        pass
    except NotImplementedError:
        pytest.fail("store.foreach raised NotImplementedError: replace the TODOs of kvstore.py with your code.")
    except Exception as exc:
        pytest.fail(
            f"A func doing store['added'] = b'x' inside store.foreach(func): foreach raised "
            f"{type(exc).__name__}: {_text(exc)}; expected RuntimeError (kv_put returns KV_EBUSY, the exception "
            "leaves func and must come out of foreach)."
        )
    else:
        pytest.fail(
            "A func doing store['added'] = b'x' inside store.foreach(func): foreach returned without "
            "an exception. kv_put returns KV_EBUSY there: raise RuntimeError, and let it out of foreach."
        )
    if "added" in _keys(store):
        pytest.fail("store['added'] was stored during foreach, although kv_put refused it.")
    _do("store['added'] = b'x' (after foreach)", operator.setitem, store, "added", b"x")
    _misuse_check(counts, "Changing the store inside foreach")


def test_nested_foreach(kvstore, counts):
    store = _store(kvstore, {"a": b"1", "b": b"2", "c": b"3"})
    outer_seen, inner_seen = [], []

    def outer(key, value):
        outer_seen.append(key)
        inner_seen.append(store.foreach(lambda k, v: None))

    calls = _foreach(store, outer, "store.foreach(outer), where outer calls store.foreach(inner)")
    if outer_seen != ["a", "b", "c"] or calls != 3 or inner_seen != [3, 3, 3]:
        pytest.fail(
            f"store.foreach(outer), where outer calls store.foreach(inner) each time: outer saw "
            f"{outer_seen!r} (expected ['a', 'b', 'c']), the inner calls returned {inner_seen!r} (expected "
            f"[3, 3, 3]) and the outer one {calls!r} (expected 3). Each foreach call needs its own context "
            "(func, count, exception) behind its own handle, not attributes of the Store or globals."
        )

    other = _store(kvstore, {"x": b"", "y": b"", "z": b""})
    caught = []

    def inner(key, value):
        if key == "y":
            raise Oops(f"inner at {key}")

    def outer_catching(key, value):
        try:
            other.foreach(inner)
        except Oops as exc:
            caught.append(str(exc))

    calls = _foreach(store, outer_catching, "a.foreach(outer), where outer catches b.foreach(inner)'s exception")
    if calls != 3 or caught != ["inner at y"] * 3:
        pytest.fail(
            f"a.foreach(outer), where outer calls b.foreach(inner), inner raises at 'y' and outer catches "
            f"it: outer caught {caught!r} (expected ['inner at y'] * 3), and a.foreach returned {calls!r} "
            "(expected 3). An exception belongs to the foreach call whose func raised it."
        )

    def outer_letting_through(key, value):
        other.foreach(inner)

    try:
        store.foreach(outer_letting_through)
    except Oops as exc:
        if str(exc) != "inner at y":
            pytest.fail(f"The nested exception came out changed: {exc}.")
    except Exception as exc:
        pytest.fail(
            f"a.foreach(outer), where b.foreach(inner) raises Oops inside outer: raised "
            f"{type(exc).__name__}: {_text(exc)}; expected the Oops."
        )
    else:
        pytest.fail(
            "a.foreach(outer), where b.foreach(inner) raises Oops inside outer and outer lets it through: "
            "no exception came out of a.foreach."
        )
    _misuse_check(counts, "Nested foreach calls")


def test_foreach_keeps_nothing_alive(kvstore, counts):
    store = _store(kvstore, ENTRIES)

    class Func:
        def __call__(self, key, value):
            return None

    func = Func()
    watch = weakref.ref(func)
    _foreach(store, func)
    raising = Func()
    raising.__class__ = type("Raising", (Func,), {"__call__": lambda self, k, v: 1 / 0})
    watch_raising = weakref.ref(raising)
    with contextlib.suppress(ZeroDivisionError):
        store.foreach(raising)
    del func, raising
    collect()
    if watch() is not None or watch_raising() is not None:
        pytest.fail(
            "After store.foreach(func) returned (or raised) and the caller dropped func, func is still "
            "alive: something keeps it (a handle or a context stored in a global or on the Store, an "
            "exception whose traceback holds it). The context of one call lives only during that call."
        )
    _misuse_check(counts, "foreach and references")
