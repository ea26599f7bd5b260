"""Grader for 09_callbacks/ticker: an ffi.callback() that C keeps, kept alive from Python (ABI mode).

The grader builds ticker.c into a shared library, loads it with ticker.py's
load(), and hands Ticker a stand-in for the library that records what
ticker_start() receives: it must be a C function pointer of type
``void(*)(int, void *)`` made by ffi.callback(), and the callback object must
stay alive: the Ticker (or ticker.py itself, for one shared callback) must
still refer to it. So must the ffi.new_handle() object of a solution that
passes the Ticker to C as userdata: C keeps that address too, and gives it back
to ffi.from_handle() at every tick. stop() must make C forget the pointer
(ticker_stop(), or ticker_start() with NULL).

A tick through a freed callback crashes the process, calls whatever reuses the
memory, or hangs, depending on the allocator and the machine's load. So the
grader never lets C tick through a callback that nothing keeps (nor through a
userdata handle that nothing keeps: from_handle() then reads freed memory), nor
after a stop() that let the callback go without telling C: it checks these before the
tick, and fails the check with the same message on every run, on CPython and
PyPy alike. Before every tick it also runs the garbage collector twice and makes
new callbacks of its own, so a callback freed in a way the check cannot see
sends the tick to one of those (the check fails then too).
"""

from __future__ import annotations

import gc
import shutil
import types

import pytest

EXPORTS = ["ticker_start", "ticker_tick", "ticker_stop"]
CALLBACK_TYPE = "void(*)(int, void *)"


@pytest.fixture(scope="module")
def ticker(exercise):
    return exercise.import_module("ticker")


@pytest.fixture(scope="module")
def real_lib(exercise, ticker, tmp_path_factory):
    built = exercise.shared_library("ticker", ["ticker.c"], exports=EXPORTS)
    path = tmp_path_factory.mktemp("vendor") / built.name  # libticker.so, libticker.dylib or ticker.dll
    shutil.copy2(built, path)
    try:
        return ticker.load(path)
    except Exception as exc:
        pytest.fail(f"ticker.load({str(path)!r}) raised {type(exc).__name__}: {exc}. Keep the given load() function.")


class _LibProxy:
    """Stands in for the ticker library: records what ticker_start() receives, then passes it on.

    It keeps a description of the arguments, never the objects: holding on to
    the callback would keep alive what the learner's code must keep alive."""

    def __init__(self, lib, ffi):
        self._lib = lib
        self._ffi = ffi
        self.started = []
        self.holds = False  # whether C holds a callback now: started with one, not stopped since

    def ticker_start(self, fn, userdata):
        ctype = self._ffi.typeof(fn).cname if isinstance(fn, self._ffi.CData) else None
        address = int(self._ffi.cast("uintptr_t", fn)) if ctype else None
        userdata_address = int(self._ffi.cast("uintptr_t", userdata)) if isinstance(userdata, self._ffi.CData) else None
        self.started.append((repr(fn), type(fn).__name__, ctype, address, userdata_address))
        self.holds = bool(address)
        return self._lib.ticker_start(fn, userdata)

    def ticker_stop(self):
        self.holds = False
        return self._lib.ticker_stop()

    def __getattr__(self, name):
        return getattr(self._lib, name)


@pytest.fixture
def lib(real_lib, ticker):
    proxy = _LibProxy(real_lib, ticker.ffi)
    yield proxy
    proxy.started.clear()
    real_lib.ticker_stop()  # nothing the test made is called after it


@pytest.fixture
def stray(ticker):
    """Callbacks of the grader's own, made after a garbage collection: C calls one of them
    only if it still points to a callback that has been freed (its memory is reused)."""
    calls = []
    keep = []

    def churn():
        gc.collect()
        gc.collect()
        for i in range(16):
            keep.append(ticker.ffi.callback(CALLBACK_TYPE, lambda count, userdata, i=i: calls.append(count)))

    yield churn, calls
    keep.clear()


def _make(ticker, lib, on_tick):
    cls = getattr(ticker, "Ticker", None)
    if not callable(cls):
        pytest.fail("ticker.py has no class `Ticker`: keep the `class Ticker:` of the starter file.")
    try:
        return cls(lib, on_tick)
    except NotImplementedError as exc:
        pytest.fail(f"Ticker(lib, on_tick) raised NotImplementedError ({exc}): replace the TODOs in ticker.py.")
    except TypeError as exc:
        hint = ""
        if "must be a cdata pointer, not" in str(exc):
            hint = (
                " ticker_start() needs a C function pointer: make one from a Python function with "
                'ffi.callback("void(int, void *)", function).'
            )
        pytest.fail(f"Ticker(lib, on_tick) raised TypeError: {exc}.{hint}")
    except Exception as exc:
        pytest.fail(f"Ticker(lib, on_tick) raised {type(exc).__name__}: {exc}")


def _stop(t):
    try:
        t.stop()
    except NotImplementedError as exc:
        pytest.fail(f"Ticker.stop() raised NotImplementedError ({exc}): replace the TODO in stop().")
    except Exception as exc:
        pytest.fail(f"Ticker.stop() raised {type(exc).__name__}: {exc}")


DIED = (
    "C called a callback that is not yours: your callback object was freed while C still held its address, "
    "and the memory went to a callback made later. (Without that reuse, the same mistake crashes the process.) "
    "Keep the object ffi.callback() returned referenced for as long as C may call it, for example as an "
    "attribute of the Ticker: self._callback = ffi.callback(...)."
)


def test_start_gets_a_c_callback(ticker, lib):
    seen = []
    t = _make(ticker, lib, seen.append)
    if not lib.started:
        pytest.fail("Ticker(lib, on_tick) never called lib.ticker_start(): it must give the C library its callback.")
    shown, kind, ctype = lib.started[-1][:3]
    if ctype != CALLBACK_TYPE:
        pytest.fail(
            f"lib.ticker_start() received {shown} (a {ctype or kind}), expected a C function pointer of type "
            f'{CALLBACK_TYPE!r}, as ffi.callback("void(int, void *)", function) makes.'
        )
    _stop(t)


def _kept_cdata(ffi, roots) -> tuple[set[int], set[int]]:
    """Addresses of the C function pointers (ffi.callback objects), and of the cdata objects that
    own the memory they point to (ffi.new_handle() and ffi.new() objects), reachable from roots."""
    skip = (type, str, int, float, bytes, types.ModuleType, types.BuiltinFunctionType)
    found, owners, seen, todo = set(), set(), set(), list(roots)
    while todo and len(seen) < 100_000:
        obj = todo.pop()
        if id(obj) in seen or obj is None or isinstance(obj, skip):
            continue
        seen.add(id(obj))
        if isinstance(obj, ffi.CData):
            kind = ffi.typeof(obj).kind
            if kind == "function":
                found.add(int(ffi.cast("uintptr_t", obj)))
            elif kind in ("pointer", "array") and _owns(obj):  # ffi.new("char[]") is an array
                owners.add(int(ffi.cast("uintptr_t", obj)))
            continue
        todo.extend(gc.get_referents(obj))
        if hasattr(obj, "__dict__"):
            todo.append(vars(obj))
    return found, owners


def _owns(cdata) -> bool:
    """Whether cdata is the object whose life is the life of the memory it points to: a handle
    from ffi.new_handle() or memory from ffi.new(). cffi has no call that says so, and the types
    do not tell on PyPy (every cdata is a _CDataBase there); the repr does, on CPython and PyPy
    alike: "<cdata 'void *' handle to ...>", "<cdata 'int *' owning 4 bytes>". A plain
    ffi.cast("void *", handle) points to the same address but keeps nothing alive."""
    shown = repr(cdata)
    return " handle to " in shown or " owning " in shown


def _not_kept(ticker, lib, t) -> str | None:
    """What C holds that nothing keeps alive any more (None: nothing). The callback C holds (the
    last one ticker_start() received) must still be referred to by the Ticker t or by ticker.py
    (one callback for every Ticker is fine); so must the handle or memory its userdata points to."""
    if not lib.started or lib.started[-1][3] is None:
        pytest.fail("Ticker(lib, on_tick) never gave lib.ticker_start() a C function pointer.")
    roots = [t] + [v for v in vars(ticker).values() if not isinstance(v, types.ModuleType)]
    callbacks, owners = _kept_cdata(ticker.ffi, roots)
    callback, userdata = lib.started[-1][3:5]
    if callback not in callbacks:
        return f"the C function pointer C holds {NOT_KEPT}"
    if userdata and userdata not in owners:
        return f"the userdata pointer C holds {HANDLE_NOT_KEPT}"
    return None


NOT_KEPT = (
    "belongs to an ffi.callback() object that neither the Ticker nor ticker.py refers to any more: it is "
    "freed (at once on CPython, at the next garbage collection on PyPy) while C still holds its address, "
    "and the next tick calls freed memory. Keep the object ffi.callback() returned referenced for as long "
    "as C may call it, for example as an attribute: self._callback = ffi.callback(...)."
)

HANDLE_NOT_KEPT = (
    "(userdata, the second argument of lib.ticker_start()) belongs to an ffi.new_handle() object "
    "that neither the Ticker nor ticker.py refers to any more: it is freed (at once on CPython, at "
    "the next garbage collection on PyPy) while C still holds its address, and at the next tick "
    "ffi.from_handle(userdata) reads freed memory. Keep the handle referenced for as long as C may "
    "pass it back, for example as an attribute: self._handle = ffi.new_handle(self), then "
    "lib.ticker_start(..., self._handle)."
)


def _tick(ticker, lib, t, when):
    """lib.ticker_tick(), once the grader knows C will not call a freed callback: a tick through
    one crashes, calls another callback or hangs, whichever the allocator decides on that run."""
    lost = _not_kept(ticker, lib, t) if lib.holds else None
    if lost:
        pytest.fail(f"{when}: the grader did not let C tick, because {lost}")
    return lib.ticker_tick()


def test_callback_is_kept(ticker, lib):
    seen = []
    t = _make(ticker, lib, seen.append)
    lost = _not_kept(ticker, lib, t)
    if lost:
        pytest.fail(f"after Ticker(lib, on_tick), {lost}")
    _stop(t)


def test_ticks_reach_on_tick(ticker, lib):
    seen = []
    t = _make(ticker, lib, seen.append)
    counts = [_tick(ticker, lib, t, "Ticker(lib, on_tick), then lib.ticker_tick()") for _ in range(3)]
    if seen != [1, 2, 3] or counts != [1, 2, 3]:
        pytest.fail(
            f"after Ticker(lib, on_tick) and three calls of lib.ticker_tick(), on_tick had received {seen!r} "
            f"and ticker_tick() returned {counts!r}; expected [1, 2, 3] both times. The callback must call "
            "on_tick(count) with the count C gives it."
        )
    _stop(t)


def test_callback_survives_garbage_collection(ticker, lib, stray):
    churn, strays = stray
    seen = []
    t = _make(ticker, lib, seen.append)
    for expected in (1, 2, 3):
        churn()
        got = _tick(ticker, lib, t, f"tick {expected}, after a garbage collection")
        if strays:
            pytest.fail(f"tick {expected}, after a garbage collection: {DIED}")
        if seen[-1:] != [expected] or got != expected:
            pytest.fail(
                f"tick {expected}, after a garbage collection: on_tick had received {seen!r}, and "
                f"lib.ticker_tick() returned {got!r}. Expected on_tick({expected})."
            )
    _stop(t)


def test_stop_makes_c_forget(ticker, lib, stray):
    churn, strays = stray
    seen = []
    t = _make(ticker, lib, seen.append)
    _tick(ticker, lib, t, "Ticker(lib, on_tick), then lib.ticker_tick()")
    _stop(t)
    churn()
    if lib.holds and _not_kept(ticker, lib, t):
        pytest.fail(
            "stop() let the callback object go without calling lib.ticker_stop(): C still holds its "
            "address, so the next tick would call freed memory (the grader did not tick). stop() must call "
            "lib.ticker_stop() before it lets the callback object go: C keeps the address until it is told "
            "to forget it."
        )
    got = lib.ticker_tick()
    if strays or got != -1:
        pytest.fail(
            f"after stop(), lib.ticker_tick() returned {got!r}, expected -1: C still held a callback"
            + (" (and called a freed one: another callback got the tick)" if strays else "")
            + ". stop() must call lib.ticker_stop() before it lets the callback object go: C keeps the address "
            "until it is told to forget it."
        )
    if seen != [1]:
        pytest.fail(f"after stop(), on_tick still received ticks: {seen!r}, expected [1].")


def test_a_second_ticker(ticker, lib, stray):
    churn, strays = stray
    first, second = [], []
    t1 = _make(ticker, lib, first.append)
    _tick(ticker, lib, t1, "a first Ticker, then lib.ticker_tick()")
    _stop(t1)
    del t1
    t2 = _make(ticker, lib, second.append)
    churn()
    _tick(ticker, lib, t2, "a second Ticker after the first one stopped, then lib.ticker_tick()")
    if strays:
        pytest.fail(f"a second Ticker, after the first one stopped: {DIED}")
    if first != [1] or second != [1]:
        pytest.fail(
            f"a first Ticker got {first!r} and, after it stopped, a second one got {second!r}; expected [1] "
            "and [1] (ticker_start() restarts the count)."
        )
    _stop(t2)
