"""Grader for 10_memory/series: keep alive every C buffer that C keeps a pointer to.

series_build.py (given) compiles ``_series_cffi``: ``series_init(s, label,
values, count)`` stores the two pointers in ``*s`` without copying, and
``series_mean``/``series_max``/``series_describe`` read through them later.

A keep-alive bug is invisible until the freed memory is reused, so the grader
does not wait for luck. It gives series.py's ``ffi.new`` a checking allocator
(``ffi.new_allocator`` over the builder's ``memtrack_*`` functions) that keeps
freed blocks aside, filled with 0xDD, and can say of any address whether it is
in a live block, a freed block, or memory it did not allocate. A spy in front
of ``lib`` looks at the struct before every C call that reads through it, and
stops the call (a failure, never a crash) when the label, the values or the
struct itself are in freed memory. Memory the allocator does not know (a
bytes object passed to C, an array.array kept alive) must lie inside a buffer
that the Series keeps (grader.testing.owned_ranges walks its attributes), which
holds or fails on every run; its content is checked too, after ``gc.collect()``
and a burst of same-sized allocations.
A dropped Series must free what it owned (no global keep-alive list).
"""

from __future__ import annotations

import gc

import pytest

from grader.testing import LibSpy, install_lib_spy, owned_ranges

BUILDER = "series_build.py"
UNKNOWN, LIVE, FREED = 0, 1, 2
READERS = ("series_mean", "series_max", "series_describe")


@pytest.fixture(scope="module")
def built(exercise):
    built = exercise.build_module(BUILDER)
    missing = [
        n
        for n in ("memtrack_alloc", "memtrack_free", "memtrack_state", "memtrack_flush", "series_init")
        if not hasattr(built.lib, n)
    ]
    if missing:
        pytest.fail(
            f"{exercise.show(BUILDER)} no longer declares {', '.join(missing)}: that file is given, with "
            "nothing to change. Put back the starter's version (its memtrack_* functions are the grader's "
            "checking allocator)."
        )
    return built


@pytest.fixture(scope="module")
def series_module(exercise, built):
    return exercise.import_module("series")


class _Dangling(BaseException):
    """Raised by the spy instead of letting C read through a dangling pointer."""


class _FfiWithCheckingAllocator:
    """Stands in for series.py's ``ffi``: everything is the real ffi's, except that
    ``new`` allocates through memtrack (so the grader can tell live from freed memory)."""

    def __init__(self, ffi, lib):
        self._ffi = ffi
        self.new = ffi.new_allocator(alloc=lib.memtrack_alloc, free=lib.memtrack_free, should_clear_after_alloc=True)

    def __getattr__(self, name):
        return getattr(self._ffi, name)


def _pressure(ffi, nbytes: int) -> list:
    """Allocations of about ``nbytes`` each, filled with 0xEE, to land on memory freed just before."""
    junk = []
    for size in {max(1, nbytes - 1), max(1, nbytes), nbytes + 1, nbytes + 8}:
        junk += [b"\xee" * size for _ in range(64)]
        junk += [ffi.new("char[]", b"\xee" * size) for _ in range(64)]
    return junk


def stress(ffi, nbytes: int = 32) -> None:
    """What a running program does to memory nobody owns any more: collect it, then reuse it."""
    for _ in range(3):
        gc.collect()
    junk = _pressure(ffi, nbytes)
    del junk


class _SeriesSpy(LibSpy):
    """Checks, before each C call that reads through a struct series, that what it points to is alive."""

    def __init__(self, lib, ffi):
        super().__init__(lib, ffi)
        self.expect: tuple[str, list[float]] | None = None  # the series the test is about, for content checks
        self.seen: list[tuple[int, int, int]] = []  # addresses (struct, label, values) C read through
        self.owner = None  # the Series being asked

    def state(self, pointer) -> int:
        return self.lib.memtrack_state(int(self.ffi.cast("uintptr_t", pointer)))

    def problem(self, s) -> str | None:
        ffi = self.ffi
        if not isinstance(s, ffi.CData) or s == ffi.NULL:
            return f"C was given {s!r} where it expects a struct series *"
        state = self.state(s)
        if state == FREED:
            return (
                'the struct series itself is in freed memory: the object that ffi.new("struct series *") '
                "returned was dropped. Keep it in an attribute of the Series"
            )
        label, values, count = s.label, s.values, s.count
        self.seen.append(
            (int(ffi.cast("uintptr_t", s)), int(ffi.cast("uintptr_t", label)), int(ffi.cast("uintptr_t", values)))
        )
        which = []
        for name, pointer in (("label", label), ("values", values)):
            st = self.state(pointer)
            if st == FREED:
                what = 'ffi.new("char[]", ...)' if name == "label" else 'ffi.new("double[]", ...)'
                return (
                    f"the struct's {name} pointer points into memory that was already freed: the {what} object "
                    f"that owned it was not kept anywhere, so it died as soon as the line that made it ended, "
                    f"and freed its memory, while C still holds the address. Keep the owner in an attribute "
                    f"of the Series (self._{name} = ...: the object ffi.new() returned, not an ffi.cast() of it, which owns "
                    f"nothing) and pass that"
                )
            if st == UNKNOWN:
                which.append((name, pointer))
        if self.expect is None:
            return None
        exp_label, exp_values = self.expect
        for name, pointer in which:
            if pointer == ffi.NULL:
                return f"the struct's {name} pointer is NULL"
            if name == "label" and self._into_kept_bytes(pointer):
                return (
                    "the struct's label pointer points into a bytes object that your Series keeps. That "
                    "works on CPython by accident: CFFI promises a bytes argument's pointer for the "
                    "duration of the call only, and on PyPy C gets a temporary copy, freed when the call "
                    "returns. C keeps this pointer, so give it C memory your Series owns: "
                    'self._label = ffi.new("char[]", label.encode("utf-8"))'
                )
            # Memory the allocator does not know is fine only inside a buffer the Series keeps (an
            # array.array given with ffi.from_buffer); anywhere else its owner may be gone already,
            # which is settled here on every run, without waiting for the memory to be reused.
            if self.owner is not None and not self._owned_by_series(pointer):
                if name == "label":
                    return (
                        "the struct's label pointer points to memory that no object of your Series owns: "
                        "probably the data of a bytes object (label.encode(...)) passed straight to C. CFFI "
                        "gives C a pointer into a bytes object for the duration of that one call only (on "
                        "PyPy, to a temporary copy). C keeps this pointer, so give it C memory your Series "
                        'owns: self._label = ffi.new("char[]", label.encode("utf-8"))'
                    )
                return (
                    "the struct's values pointer points to memory that no object of your Series owns: "
                    "whatever owned it can be freed at any moment while C still holds the address. Keep "
                    "the owner (the object ffi.new() or ffi.from_buffer() returned) in an attribute of the "
                    "Series and pass that"
                )
            if name == "label":
                want = exp_label.encode("utf-8") + b"\0"
                got = ffi.unpack(ffi.cast("char *", pointer), len(want))
                if got != want:
                    return (
                        "the struct's label pointer points to memory that no ffi.new() of yours owns and that "
                        f"now holds {got!r} instead of {want!r}: probably the data of a bytes object "
                        "(label.encode(...)) passed straight to C. CFFI gives C a pointer into a bytes object "
                        "for the duration of that one call only (on PyPy, to a temporary copy). C keeps this "
                        'pointer, so give it C memory your Series owns: self._label = ffi.new("char[]", '
                        'label.encode("utf-8"))'
                    )
            else:
                if count != len(exp_values):
                    return f"the struct's count is {count}, expected {len(exp_values)}"
                got = list(ffi.unpack(ffi.cast("double *", pointer), count)) if count else []
                if got != exp_values:
                    return (
                        "the struct's values pointer points to memory that no ffi.new() of yours owns and that "
                        f"now holds {got!r} instead of {exp_values!r}: whatever owned it was dropped. Keep the "
                        "owner alive in an attribute of the Series"
                    )
        return None

    def _owned_by_series(self, pointer) -> bool:
        address = int(self.ffi.cast("uintptr_t", pointer))
        return any(start <= address < end for start, end in owned_ranges(self.ffi, self.owner))

    def _into_kept_bytes(self, pointer) -> bool:
        """Whether ``pointer`` is the data of a bytes object held by the Series under test."""
        address = int(self.ffi.cast("uintptr_t", pointer))
        held = list(vars(self.owner).values()) if self.owner is not None and hasattr(self.owner, "__dict__") else []
        for value in held + [v for h in held if isinstance(h, (tuple, list)) for v in h]:
            if (
                isinstance(value, bytes)
                and value
                and int(self.ffi.cast("uintptr_t", self.ffi.from_buffer(value))) == address
            ):
                return True
        return False

    def record(self, name, args):
        # Keeps the name only: holding the arguments would keep their owners alive, the very bug under test.
        if name in READERS and args:
            trouble = self.problem(args[0])
            if trouble:
                self.calls.append((name, trouble))
                raise _Dangling(f"lib.{name} was about to read through a dangling pointer: {trouble}.")
        return (name,)


@pytest.fixture
def spy(series_module, built, monkeypatch):
    checking = _FfiWithCheckingAllocator(built.ffi, built.lib)
    for global_name, value in list(vars(series_module).items()):
        if value is built.ffi:
            monkeypatch.setattr(series_module, global_name, checking)
    monkeypatch.setattr(built.module, "ffi", checking)
    spy = install_lib_spy(series_module, built, monkeypatch, _SeriesSpy(built.lib, built.ffi))
    yield spy
    for _ in range(2):
        gc.collect()
    built.lib.memtrack_flush()


def _series_class(series_module):
    cls = getattr(series_module, "Series", None)
    if not isinstance(cls, type):
        pytest.fail("series.py has no class Series: keep the starter's `class Series:` and fix it.")
    return cls


def _make(series_module, spy, label, values):
    call = f"Series({label!r}, {values!r})"
    spy.expect = (label, list(values))
    try:
        return call, _series_class(series_module)(label, list(values))
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")


def _ask(spy, obj, call, method, *args):
    text = f"{call}.{method}({', '.join(map(repr, args))})"
    func = getattr(obj, method, None)
    spy.owner = obj
    if not callable(func):
        pytest.fail(f"{call} has no method {method}(): keep the starter's methods.")
    try:
        return text, func(*args)
    except _Dangling as exc:
        pytest.fail(f"{text}: {exc}")
    except Exception as exc:
        pytest.fail(f"{text} raised {type(exc).__name__}: {exc}")
    finally:
        spy.owner = None


def _mean(values):
    return sum(values) / len(values)


def _check_all(spy, obj, call, label, values):
    text, got = _ask(spy, obj, call, "mean")
    if got != pytest.approx(_mean(values)):
        pytest.fail(f"{text} returned {got!r}, expected {_mean(values)!r}.")
    text, got = _ask(spy, obj, call, "max")
    if got != max(values):
        pytest.fail(f"{text} returned {got!r}, expected {max(values)!r}.")
    text, got = _ask(spy, obj, call, "describe")
    want = f"{label}: {len(values)} values, mean {_mean(values):.2f}"
    if got != want:
        pytest.fail(f"{text} returned {got!r}, expected {want!r}.")


def test_values_outlive_the_constructor(series_module, spy, built):
    values = [12.5, 14.0, 9.5, 11.0]
    call, obj = _make(series_module, spy, "temps", values)
    stress(built.ffi, 8 * len(values))
    text, got = _ask(spy, obj, call, "mean")
    if got != pytest.approx(11.75):
        pytest.fail(f"{text} returned {got!r}, expected 11.75.")


def test_label_outlives_the_constructor(series_module, spy, built):
    call, obj = _make(series_module, spy, "rainfall in mm", [3.0, 0.0, 7.5])
    stress(built.ffi, len("rainfall in mm") + 1)
    text, got = _ask(spy, obj, call, "describe")
    if got != "rainfall in mm: 3 values, mean 3.50":
        pytest.fail(f"{text} returned {got!r}, expected 'rainfall in mm: 3 values, mean 3.50'.")


def test_non_ascii_label(series_module, spy, built):
    label = "Zürich, °C 🌡"
    call, obj = _make(series_module, spy, label, [-2.5, 4.0])
    stress(built.ffi, len(label.encode("utf-8")) + 1)
    _check_all(spy, obj, call, label, [-2.5, 4.0])


def test_many_series_under_gc_stress(series_module, spy, built):
    made = []
    for i in range(40):
        label, values = f"series {i}", [float(i * 10 + k) for k in range(1 + i % 7)]
        made.append((label, values, *_make(series_module, spy, label, values)))
    stress(built.ffi, 16)
    stress(built.ffi, 48)
    for label, values, call, obj in made:
        spy.expect = (label, values)
        _check_all(spy, obj, call, label, values)


def test_replace_keeps_the_new_values_alive(series_module, spy, built):
    call, obj = _make(series_module, spy, "load", [1.0, 2.0])
    new = [5.0, 7.0, 9.0, 11.0, 13.0]
    _ask(spy, obj, call, "replace", new)
    spy.expect = ("load", new)
    stress(built.ffi, 8 * len(new))
    _check_all(spy, obj, f"{call} (after .replace({new!r}))", "load", new)


def test_a_dropped_series_frees_its_memory(series_module, spy, built):
    call, obj = _make(series_module, spy, "short-lived", [1.0, 2.0, 3.0])
    spy.seen.clear()
    _ask(spy, obj, call, "mean")
    if not spy.seen:
        pytest.fail(f"{call}.mean() never called lib.series_mean: the answer must come from C.")
    struct_addr, label_addr, values_addr = spy.seen[-1]
    del obj
    for _ in range(3):
        gc.collect()
    kept = [
        name
        for name, addr in (("the struct", struct_addr), ("the label", label_addr), ("the values", values_addr))
        if built.lib.memtrack_state(addr) == LIVE
    ]
    if kept:
        pytest.fail(
            f"After `del` of the only reference to {call} and gc.collect(), {' and '.join(kept)} "
            "(allocated with ffi.new) are still alive: something outside the Series keeps the owners "
            "(a global list or dict, a class attribute?). That is a leak: every Series ever made stays "
            "in memory. Keep each owner in an attribute of its own Series, so it dies with it."
        )


class _OtherAnswers(_SeriesSpy):
    """The checking spy, and C's answers replaced by its own after each real call: series_mean and series_max
    answer C's number plus 1000, series_describe leaves another text in the buffer. A Series that calls C and
    then computes an answer again in Python (from a list of its own) is right for every series; only this
    tells it from one that returns what C gave."""

    TEXT = b"written by C"

    def wrap(self, name, target):
        call = super().wrap(name, target)
        if name in ("series_mean", "series_max"):
            return lambda *args: call(*args) + 1000.0
        if name == "series_describe":

            def series_describe(*args):
                result = call(*args)
                out, size = args[1], args[2]
                if isinstance(out, self.ffi.CData) and isinstance(size, int) and size > len(self.TEXT):
                    self.ffi.memmove(out, self.TEXT + b"\0", len(self.TEXT) + 1)
                return result

            return series_describe
        return call


def test_answers_are_the_ones_c_gave(series_module, built, monkeypatch):
    checking = _FfiWithCheckingAllocator(built.ffi, built.lib)
    for global_name, value in list(vars(series_module).items()):
        if value is built.ffi:
            monkeypatch.setattr(series_module, global_name, checking)
    monkeypatch.setattr(built.module, "ffi", checking)
    spy = install_lib_spy(series_module, built, monkeypatch, _OtherAnswers(built.lib, built.ffi))
    try:
        call, obj = _make(series_module, spy, "temps", [12.5, 14.0, 9.5, 11.0])
        for method, c_name, answer in (
            ("mean", "series_mean", 1011.75),
            ("max", "series_max", 1014.0),
            ("describe", "series_describe", _OtherAnswers.TEXT.decode()),
        ):
            spy.calls.clear()
            text, got = _ask(spy, obj, call, method)
            if c_name not in spy.names():
                pytest.fail(
                    f"{text} returned {got!r} without calling lib.{c_name}: the answer must come from C, "
                    "which reads the numbers and the label through the pointers the Series keeps alive."
                )
            if got != answer:
                pytest.fail(
                    f"{text} returned {got!r}, while the grader's stand-in for lib.{c_name} gave {answer!r} "
                    "(an answer of its own, to see whose answer comes back). Return what C gives, not an "
                    "answer computed again in Python after the call."
                )
    finally:
        for _ in range(2):
            gc.collect()
        built.lib.memtrack_flush()
