"""Grader for 09_callbacks/visit: a Python object travels through C as `void *userdata`.

visit_build.py (given) compiles ``_visit_cffi`` with ``for_each(items, n, visit,
userdata)`` and the extern "Python" callback ``visit_item(item, userdata)``.
visit.py's ``feed(items, sink)`` must call for_each() with lib.visit_item and a
handle standing for the sink (``ffi.new_handle``), and ``visit_item`` must get
the sink back (``ffi.from_handle``) and stop C when ``sink.add`` returns a true
value. A spy standing in for ``lib`` checks the call (for_each, lib.visit_item,
a non-NULL handle). Behaviour is checked with feeds that overlap, where a
global "current sink" gives items to the wrong sink: a feed started from inside
a sink's add() (one thread), and two feeds in two threads whose sinks wait for
each other so that C runs both at once.
"""

from __future__ import annotations

import threading

import pytest

from grader.testing import LibSpy, install_lib_spy

BUILDER = "visit_build.py"
WAIT = 3.0  # seconds a sink waits for the other thread's sink


class Recorder:
    """A sink: keeps every item; asks to stop once it holds `limit` items."""

    def __init__(self, name, limit=None):
        self.name = name
        self.items = []
        self.limit = limit

    def add(self, item):
        self.items.append(item)
        return self.limit is not None and len(self.items) >= self.limit

    def __repr__(self):
        return f"<sink {self.name}>"


class Stopper:
    """A sink of another class, whose add() answers with non-bool values: "stop" is true, None is false."""

    def __init__(self, stop_at):
        self.seen = []
        self.stop_at = stop_at

    def add(self, item):
        self.seen.append(item)
        return "stop" if item == self.stop_at else None

    def __repr__(self):
        return "<sink stopper>"


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def visit(exercise, built):
    return exercise.import_module("visit")


@pytest.fixture
def spy(visit, built, monkeypatch):
    """Put the spy wherever visit.py can reach the C functions (grader.testing.install_lib_spy).
    lib.visit_item (a C function pointer) passes through as it is: for_each() takes it."""
    return install_lib_spy(visit, built, monkeypatch, LibSpy(built.lib, built.ffi, pass_pointers=True))


def _feed(visit, items, sink):
    func = getattr(visit, "feed", None)
    if not callable(func):
        pytest.fail("visit.py has no function `feed`: keep the `def feed(items, sink):` of the starter file.")
    call = f"visit.feed({items!r}, {sink!r})"
    try:
        return call, func(items, sink)
    except NotImplementedError as exc:
        pytest.fail(f"{call} raised NotImplementedError ({exc}): replace the TODOs in visit.py with your code.")
    except TypeError as exc:
        hint = ""
        if "must be a cdata pointer, not function" in str(exc):
            hint = " for_each() needs the C function pointer lib.visit_item, not the Python function visit_item."
        elif "void *" in str(exc):
            hint = (
                " C's `void *userdata` takes a cdata pointer: ffi.new_handle(sink) makes one that stands for the sink."
            )
        pytest.fail(f"{call} raised TypeError: {exc}.{hint}")
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")


def _check(call, got, expected_result, sink, expected_items):
    items = sink.items if isinstance(sink, Recorder) else sink.seen
    if items != expected_items:
        pytest.fail(
            f"after {call}, {sink!r}.add() had received {items!r}, expected {expected_items!r}."
            + (" It received nothing: visit_item must pass each item to sink.add(item)." if not items else "")
        )
    if got != expected_result:
        pytest.fail(
            f"{call} returned {got!r}, expected {expected_result!r}: return what lib.for_each() returns "
            "(the number of calls it made)."
        )


def test_feed_gives_every_item(visit, spy):
    sink = Recorder("A")
    call, got = _feed(visit, [1, 2, 3], sink)
    _check(call, got, 3, sink, [1, 2, 3])


def test_feed_calls_for_each_with_a_handle(visit, spy, built):
    sink = Recorder("A")
    call, _ = _feed(visit, [4, 5], sink)
    calls = [c for c in spy.calls if c[0] == "for_each"]
    if not calls:
        pytest.fail(f"{call} never called lib.for_each: the items must go to the sink through C's for_each().")
    args = calls[-1][1]
    ffi = built.ffi
    if len(args) != 4:
        pytest.fail(f"{call} called lib.for_each with {len(args)} arguments, expected 4.")
    if not (isinstance(args[2], ffi.CData) and args[2] == built.lib.visit_item):
        pytest.fail(
            f"{call} called lib.for_each with the callback {args[2]!r}, expected lib.visit_item, the "
            'extern "Python" function compiled into the module.'
        )
    userdata = args[3]
    if not isinstance(userdata, ffi.CData) or userdata == ffi.NULL:
        pytest.fail(
            f"{call} called lib.for_each with userdata {userdata!r}: pass ffi.new_handle(sink), a `void *` "
            "that stands for the sink, so that visit_item can find it with ffi.from_handle(userdata)."
        )
    if "handle to" not in repr(userdata):
        pytest.fail(
            f"{call} called lib.for_each with userdata {userdata!r}, which is not a handle: make it with "
            "ffi.new_handle(sink)."
        )


def test_feed_stops_when_the_sink_is_full(visit, spy):
    sink = Recorder("A", limit=2)
    call, got = _feed(visit, [5, 6, 7, 8], sink)
    extra = ""
    if sink.items == [5, 6, 7, 8]:
        extra = (
            " The sink asked to stop (add() returned True) after 6, but C went on: visit_item must return "
            "non-zero (1) then, and 0 otherwise."
        )
    if sink.items != [5, 6] or got != 2:
        pytest.fail(
            f"after {call}, the sink had received {sink.items!r} and feed returned {got!r}; expected [5, 6] "
            f"and 2.{extra}"
        )


def test_feed_accepts_any_truth_value(visit, spy):
    sink = Stopper(stop_at=3)
    call, got = _feed(visit, [1, 2, 3, 4], sink)
    if sink.seen != [1, 2, 3] or got != 3:
        pytest.fail(
            f"after {call}, the sink's add() had received {sink.seen!r} and feed returned {got!r}; expected "
            '[1, 2, 3] and 3. This sink\'s add() returns None (go on) or "stop" (a true value): visit_item '
            "must return an int to C, 1 when add() returned a true value, 0 otherwise."
        )


def test_feed_nothing(visit, spy):
    sink = Recorder("A")
    call, got = _feed(visit, [], sink)
    _check(call, got, 0, sink, [])


def test_sinks_of_one_after_another(visit, spy):
    first, second = Recorder("A"), Recorder("B")
    call, got = _feed(visit, [1, 2], first)
    _check(call, got, 2, first, [1, 2])
    call, got = _feed(visit, [7, 8, 9], second)
    _check(call, got, 3, second, [7, 8, 9])
    if first.items != [1, 2]:
        pytest.fail(f"{call} also gave items to the first sink: it received {first.items!r}, expected [1, 2].")


class Nester(Recorder):
    """A sink whose add() starts another feed, to an inner sink, when it receives `trigger`."""

    def __init__(self, visit, trigger, inner_items):
        super().__init__("outer")
        self.visit = visit
        self.trigger = trigger
        self.inner = Recorder("inner")
        self.inner_items = inner_items
        self.inner_result = None

    def add(self, item):
        self.items.append(item)
        if item == self.trigger:
            _, self.inner_result = _feed(self.visit, self.inner_items, self.inner)
        return False


def test_feed_inside_a_feed(visit, spy):
    outer = Nester(visit, trigger=2, inner_items=[10, 20, 30])
    call, got = _feed(visit, [1, 2, 3, 4], outer)
    if outer.items != [1, 2, 3, 4] or outer.inner.items != [10, 20, 30]:
        pytest.fail(
            f"{call}, whose sink calls visit.feed([10, 20, 30], <sink inner>) from its add(2): afterwards the outer "
            f"sink had received {outer.items!r} (expected [1, 2, 3, 4]) and the inner sink {outer.inner.items!r} "
            "(expected [10, 20, 30]). Each call of visit_item must find its own sink through its userdata "
            "argument (ffi.from_handle(userdata)), not through a variable that the inner feed() changed."
        )
    if got != 4 or outer.inner_result != 3:
        pytest.fail(f"{call} returned {got!r} and the inner feed {outer.inner_result!r}; expected 4 and 3.")


class Waiter(Recorder):
    """A sink whose add() waits, at every item, until the other thread's sink has received an item too.

    Both feeds are then inside C from their first item to their last, whichever
    thread the system runs first."""

    def __init__(self, name, barrier):
        super().__init__(name)
        self.barrier = barrier
        self.broken = False

    def add(self, item):
        self.items.append(item)
        try:
            self.barrier.wait(WAIT)
        except threading.BrokenBarrierError:
            self.broken = True
        return False


def test_two_threads_at_once(visit, spy):
    barrier = threading.Barrier(2)
    sinks = {"A": Waiter("A", barrier), "B": Waiter("B", barrier)}
    items = {"A": [1, 2, 3, 4, 5], "B": [101, 102, 103, 104, 105]}
    results, errors = {}, {}

    def run(name):
        try:
            results[name] = visit.feed(items[name], sinks[name])
        except BaseException as exc:  # reported below, in the test's own thread
            errors[name] = exc

    threads = [threading.Thread(target=run, args=(name,), daemon=True) for name in sinks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 3)
    if any(t.is_alive() for t in threads):
        pytest.fail(
            "two threads each called visit.feed(...) with their own sink, and they were still running "
            f"{WAIT * 3:.0f} s later: feed() must not wait for another feed() to finish."
        )
    if errors:
        name, exc = next(iter(errors.items()))
        if isinstance(exc, NotImplementedError):
            pytest.fail(f"visit.feed raised NotImplementedError ({exc}): replace the TODOs in visit.py with your code.")
        pytest.fail(f"visit.feed({items[name]!r}, {sinks[name]!r}), in a thread, raised {type(exc).__name__}: {exc}")
    wrong = {n: s.items for n, s in sinks.items() if s.items != items[n]}
    if wrong:
        pytest.fail(
            "two threads each ran visit.feed(...) with their own sink, at the same time (each sink's add() waits "
            f"for the other's): sink A received {sinks['A'].items!r} (expected {items['A']!r}) and sink B "
            f"{sinks['B'].items!r} (expected {items['B']!r}). visit_item must find its sink through its userdata "
            "argument: a global variable (or a stack of sinks) holds only the sink of whichever feed() set it last."
        )
    if any(s.broken for s in sinks.values()):
        pytest.fail(
            "two threads each called visit.feed(...) with their own sink, but the two feeds never ran at the "
            "same time: feed() must not make one thread wait for the other (no lock around the C call)."
        )
    if results != {"A": 5, "B": 5}:
        pytest.fail(f"the two feeds returned {results.get('A')!r} and {results.get('B')!r}, expected 5 and 5.")
