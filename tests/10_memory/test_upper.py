"""Grader for 10_memory/upper: C returns malloc'd strings; Python copies them and releases each once.

upper_build.py is the learner's C (dup_upper, repeat_join) compiled with
guard.h (given), whose malloc and free count live blocks, notice a write past
the end of a block when it is freed (``guard_overruns``), a second free or a
free of memory malloc never gave (``guard_bad_frees``), fill new blocks with
0xAA (so a missing NUL shows) and can make the next allocations fail
(``guard_fail_next``). Under AddressSanitizer (``nox -s memcheck``) guard.h
steps aside (``guard_checking() == 0``): the counter checks are then skipped,
AddressSanitizer stops the process at the bad access instead.

Checked: results for ASCII, non-ASCII, empty and long text; every string C
allocated is released exactly once, also when decoding it fails; NULL from
C (out of memory) becomes MemoryError with nothing leaked.
"""

from __future__ import annotations

import gc

import pytest

from grader.testing import LibSpy, install_lib_spy

BUILDER = "upper_build.py"

UPPER = {
    "hello": "HELLO",
    "naïve café": "NAïVE CAFé",
    "": "",
    "MiXeD 123 z!": "MIXED 123 Z!",
    "東京 tokyo": "東京 TOKYO",
    "a" * 5000: "A" * 5000,
}
REPEAT = [
    (("ab", 3, "-"), "ab-ab-ab"),
    (("x", 1, "-"), "x"),
    (("abc", 0, "-"), ""),
    (("", 5, ","), ",,,,"),
    (("é", 2, " "), "é é"),
    (("abc", -2, "-"), ""),
    (("xyz", 700, "+"), "+".join(["xyz"] * 700)),
    (("a", 2, "-"), "a-a"),
]


@pytest.fixture(scope="module")
def built(exercise):
    built = exercise.build_module(BUILDER)
    missing = [
        n
        for n in ("guard_checking", "guard_live", "guard_overruns", "guard_bad_frees", "guard_fail_next")
        if not hasattr(built.lib, n)
    ]
    if missing:
        pytest.fail(
            f"{exercise.show(BUILDER)}'s cdef() no longer declares {', '.join(missing)} (from guard.h): put "
            "back the starter's cdef(); the grader reads those counters."
        )
    return built


@pytest.fixture(scope="module")
def upper_module(exercise, built):
    return exercise.import_module("upper")


class Guard:
    """guard.h's counters at the start of a test, and what changed since."""

    def __init__(self, lib):
        self.lib = lib
        gc.collect()
        gc.collect()
        self.checking = bool(lib.guard_checking())
        self.start = self.now()

    def now(self):
        return self.lib.guard_live(), self.lib.guard_overruns(), self.lib.guard_bad_frees()

    def problems(self, what: str, c_function: str) -> str | None:
        if not self.checking:  # under AddressSanitizer, which stops the process itself
            return None
        gc.collect()
        gc.collect()
        live, overruns, bad_frees = (b - a for a, b in zip(self.start, self.now()))
        if overruns:
            return (
                f"{what}: C wrote past the end of a block it got from malloc ({overruns} time"
                f"{'s' if overruns > 1 else ''}; noticed when release() freed it). Most likely {c_function} "
                "allocated one byte too few: a C string needs its length + 1 bytes, the last for the NUL "
                f"(malloc(strlen(s) + 1)). To see the exact line: nox -s memcheck -- 10_memory/upper"
            )
        if bad_frees:
            return (
                f"{what}: free() was given a block that was already freed, or that malloc never gave "
                f"({bad_frees} time{'s' if bad_frees > 1 else ''}): the C string was released twice. Release "
                "it once: either lib.release(p) in a finally block, or p = ffi.gc(p, lib.release), not both."
            )
        if live > 0:
            return (
                f"{what}: {live} block{'s' if live > 1 else ''} that C allocated {'were' if live > 1 else 'was'} "
                "never freed (a leak). ffi.string() copies the C string into Python; after that, give the C "
                "memory back with lib.release(p), also when something fails in between (try/finally)."
            )
        return None


@pytest.fixture
def guard(built):
    guard = Guard(built.lib)
    yield guard
    built.lib.guard_fail_next(0)


def _func(upper_module, name):
    func = getattr(upper_module, name, None)
    if not callable(func):
        pytest.fail(f"upper.py has no function {name}(): keep the starter's `def {name}(...)`.")
    return func


def _call(upper_module, name, *args):
    call = f"{name}({', '.join(map(repr, args))})"
    if len(call) > 80:
        call = call[:60] + "...)"
    try:
        return call, _func(upper_module, name)(*args)
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in upper.py with your code.")
    except UnicodeDecodeError as exc:
        hint = ""
        if "0xaa" in str(exc) or "0xfd" in str(exc):
            hint = (
                " Those bytes are what this malloc puts in new memory (0xAA) and just after a block (0xFD): "
                "the string C returned has no NUL where it should end, so ffi.string() read on. Write the "
                "'\\0' at the end, inside the block."
            )
        elif "0xdd" in str(exc):
            hint = (
                " 0xDD is what this free() writes over the memory it frees: the string was read after it was "
                "released. Copy it first (ffi.string(p)), release it after."
            )
        pytest.fail(f"{call} raised UnicodeDecodeError: {exc}.{hint}")
    except MemoryError as exc:
        pytest.fail(
            f"{call} raised MemoryError ({exc}), though malloc did not fail: the C function returned NULL. "
            "Write its body in upper_build.py (the TODOs)."
        )
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")


def _check(guard, upper_module, name, args, expected, c_function):
    call, got = _call(upper_module, name, *args)
    trouble = guard.problems(call, c_function)
    if trouble:
        pytest.fail(trouble)
    if got != expected or type(got) is not str:
        shown = repr(expected) if len(expected) < 60 else repr(expected[:40]) + f"... ({len(expected)} characters)"
        got_shown = repr(got) if not isinstance(got, str) or len(got) < 60 else repr(got[:40]) + "..."
        pytest.fail(f"{call} returned {got_shown}, expected {shown}.")


@pytest.mark.parametrize("text", list(UPPER), ids=["ascii", "non-ascii", "empty", "mixed", "cjk", "long"])
def test_upper(upper_module, guard, text):
    _check(guard, upper_module, "upper", (text,), UPPER[text], "dup_upper")


@pytest.mark.parametrize(
    ("args", "expected"), REPEAT, ids=["three", "one", "zero", "empty-text", "non-ascii", "negative", "long", "two"]
)
def test_repeat(upper_module, guard, args, expected):
    _check(guard, upper_module, "repeat", args, expected, "repeat_join")


class _CorruptingSpy(LibSpy):
    """Makes the string C returns invalid UTF-8 (its first byte 0xFF, inside the block): decoding it fails."""

    def wrap(self, name, target):
        inner = super().wrap(name, target)
        if name not in ("dup_upper", "repeat_join"):
            return inner

        def c_function(*args):
            p = inner(*args)
            if p != self.ffi.NULL and p[0] != b"\0":
                p[0] = b"\xff"
            return p

        c_function.__name__ = name
        return c_function


def test_released_when_decoding_fails(upper_module, built, guard, monkeypatch):
    install_lib_spy(upper_module, built, monkeypatch, _CorruptingSpy(built.lib, built.ffi))
    for name, args in (("upper", ("hello",)), ("repeat", ("ab", 2, "-"))):
        call = f"{name}({', '.join(map(repr, args))})"
        try:
            got = _func(upper_module, name)(*args)
        except NotImplementedError:
            pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in upper.py with your code.")
        except Exception:
            pass  # expected: the bytes are not UTF-8
        else:
            pytest.fail(
                f"When the C string is not valid UTF-8 (the grader changed its first byte to 0xFF), {call} "
                f'returned {got!r} instead of raising UnicodeDecodeError: decode with "utf-8" (strict).'
            )
    trouble = guard.problems("When decoding the C string fails (the grader made it invalid UTF-8)", "the C function")
    if trouble:
        pytest.fail(
            trouble + " Here the string was never released because decode() raised before the "
            "release: put lib.release(p) in a finally block."
        )


@pytest.mark.parametrize(("name", "args"), [("upper", ("hello",)), ("repeat", ("ab", 3, "-"))], ids=["upper", "repeat"])
def test_null_is_a_memoryerror(upper_module, built, guard, name, args):
    call = f"{name}({', '.join(map(repr, args))})"
    built.lib.guard_fail_next(1)
    try:
        got = _func(upper_module, name)(*args)
    except MemoryError:
        pass
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in upper.py with your code.")
    except Exception as exc:
        pytest.fail(
            f"With malloc failing, {call} raised {type(exc).__name__}: {exc}; expected MemoryError. "
            "C returned NULL: check `p == ffi.NULL` before using the pointer."
        )
    else:
        pytest.fail(
            f"With malloc failing, {call} returned {got!r}; expected MemoryError (the C function returned "
            "NULL; check `p == ffi.NULL` and raise MemoryError)."
        )
    finally:
        built.lib.guard_fail_next(0)
    trouble = guard.problems(f"{call} with malloc failing", "the C function")
    if trouble:
        pytest.fail(trouble)
