"""Grader for 09_callbacks/sort: the C library's qsort() with comparators written in Python.

sort_build.py must declare qsort() and two ``extern "Python"`` comparators,
``descending`` and ``shorter_first``, of type ``int(const void *, const void *)``.
Structure: the compiled module must hold them as extern "Python" functions
(``lib.descending`` is then a C function pointer compiled into the module),
and a spy standing in for ``lib`` checks that sort.py's functions call
qsort() with exactly those pointers: not an ``ffi.callback()``, not a sort
done in Python. Behaviour: each comparator, called through its C pointer,
orders two items the right way round (a comparator that was never attached
with ``@ffi.def_extern()`` answers 0); ``sort_descending`` sorts ints largest
first, including INT_MAX and INT_MIN (a comparator returning ``b - a`` gives
C an int that does not fit); ``sort_words`` sorts str by length in
characters, then alphabetically, through a ``char *`` array.

Keeping the words' owners alive is checked without luck: sort.py's ``ffi.new`` allocates
through a poisoning allocator (grader.testing.PoisoningAllocator), whose blocks are filled
with 0xDD when their owner dies, and the spy collects garbage (PyPy frees only then) just
before each qsort() call. Words whose ``char[]`` owners were temporaries come back as 0xDD
bytes on every run, on CPython and PyPy alike.
"""

from __future__ import annotations

import random

import pytest

from grader.testing import LibSpy, callback_output, collect_garbage, install_lib_spy, install_poisoning_ffi

BUILDER = "sort_build.py"
COMPARATORS = ("descending", "shorter_first")
COMPAR_TYPE = "int(*)(void *, void *)"  # cffi shows `const void *` as `void *`
QSORT_TYPE = "void(*)(void *, size_t, size_t, int(*)(void *, void *))"
INT_MAX, INT_MIN = 2**31 - 1, -(2**31)

INT_LISTS = [
    [3, 1, 2],
    [5, -2, 9, 0, 9, -7, 1],
    [],
    [42],
    [4, 4, 4, 1, 1],
    random.Random(9).sample(range(-1000, 1000), 200),
]
EXTREMES = [0, INT_MAX, -1, INT_MIN, 1, INT_MIN + 1, INT_MAX - 1]
WORD_LISTS = [
    ["pear", "fig", "banana", "kiwi", "apple"],
    ["b", "a", "ccc", "bb", "aa", "c"],
    ["été", "abcd", "ab"],
    [],
    ["same"],
    ["東京", "tokyo", "x", "日本語", ""],
]


def word_order(words):
    return sorted(words, key=lambda w: (len(w), w))


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def sort_module(exercise, built):
    return exercise.import_module("sort")


class _SpyLib(LibSpy):
    """Records each call of a C function; the comparators (C function pointers) pass through unwrapped
    (lib.descending must reach qsort() as the C pointer it is)."""

    def __init__(self, lib, ffi):
        super().__init__(lib, ffi, pass_pointers=True)

    def record(self, name, args):
        if name == "qsort":
            # What sort.py dropped is freed now, on PyPy too, and poisoned by the allocator:
            # qsort() then reads 0xDD bytes through any pointer whose owner is gone.
            collect_garbage()
        return super().record(name, args)


@pytest.fixture
def spy(sort_module, built, monkeypatch):
    """Put the spy wherever sort.py can reach the C functions (grader.testing.install_lib_spy), and
    a poisoning allocator behind its ffi.new (grader.testing.install_poisoning_ffi)."""
    allocator = install_poisoning_ffi(sort_module, built, monkeypatch)
    yield install_lib_spy(sort_module, built, monkeypatch, _SpyLib(built.lib, built.ffi))
    monkeypatch.undo()  # sort.py's ffi is the real one again before the freed blocks go back
    collect_garbage()
    allocator.release()


@pytest.fixture
def printed(capfd, monkeypatch):
    """What cffi prints while C calls back into Python (grader.testing.callback_output)."""
    return callback_output(capfd, monkeypatch)


def _explain_printed(text: str) -> str:
    if not text.strip():
        return ""
    hint = ""
    if "no code was attached" in text or "def_extern() was not called" in text:
        hint = (
            ' cffi printed that no Python code is attached to an extern "Python" function: put '
            "@ffi.def_extern() on the line before `def descending` and `def shorter_first` (the function's "
            "name is how cffi finds its C declaration)."
        )
    elif "does not fit" in text:
        hint = (
            " A comparator returned a number that does not fit in a C int, so cffi printed the error and gave "
            'qsort() 0 ("equal") instead. `b - a` is such a number for INT_MAX and INT_MIN: return -1, 0 or '
            "1 instead, for example (x < y) - (x > y)."
        )
    elif "trying to convert the result back to C" in text:
        hint = " A comparator returned something that is not an int: return a negative int, 0 or a positive int."
    else:
        hint = ' A comparator raised an exception: cffi printed it and gave qsort() 0 ("equal") instead.'
    shown = text.strip()
    if len(shown) > 900:
        shown = shown[:900] + "\n..."
    return f"{hint}\nWhat was printed during the call:\n{shown}"


def _lib_member(built, name, what):
    if not hasattr(built.lib, name):
        pytest.fail(
            f"the compiled module {built.module_name} has no `{name}`: lib only has what cdef() declares. "
            f"In sort_build.py, declare {what} in ffibuilder.cdef()."
        )
    return getattr(built.lib, name)


def _comparator(built, name):
    what = f'the comparator as `extern "Python" int {name}(const void *a, const void *b);`'
    pointer = _lib_member(built, name, what)
    if not isinstance(pointer, built.ffi.CData):
        pytest.fail(
            f"lib.{name} is {pointer!r}, an ordinary C function: declare it in cdef() with "
            f'extern "Python" in front (`extern "Python" int {name}(const void *a, const void *b);`), so '
            "that CFFI compiles a C function that calls your Python code."
        )
    ctype = built.ffi.typeof(pointer)
    if ctype.cname != COMPAR_TYPE:
        pytest.fail(
            f"ffi.typeof(lib.{name}) is {ctype.cname!r}, expected {COMPAR_TYPE!r}: qsort() calls its "
            f'comparator as int (*)(const void *, const void *), so declare `extern "Python" int {name}'
            "(const void *a, const void *b);`."
        )
    return pointer


def _call(sort_module, name, arg):
    func = getattr(sort_module, name, None)
    if not callable(func):
        pytest.fail(f"sort.py has no function `{name}`: keep the `def {name}(...)` of the starter file.")
    call = f"sort.{name}({arg!r})" if len(arg) <= 20 else f"sort.{name}(<{len(arg)} items>)"
    try:
        return call, func(list(arg))
    except NotImplementedError as exc:
        pytest.fail(f"{call} raised NotImplementedError ({exc}): replace the TODOs in sort.py with your code.")
    except TypeError as exc:
        hint = ""
        if "must be a cdata pointer, not function" in str(exc):
            hint = (
                " qsort() needs a C function pointer: pass lib.descending (or lib.shorter_first), not the Python "
                "function of that name."
            )
        pytest.fail(f"{call} raised TypeError: {exc}.{hint}")
    except UnicodeDecodeError as exc:
        hint = ""
        if name == "sort_words":
            hint = (
                " The bytes C read are not the words any more: their memory was freed while C still used it. A "
                "`char *[]` array only copies the addresses of the `char[]` objects it is made from; keep those "
                "objects (a list of them) alive until you have read the sorted words back."
            )
        pytest.fail(f"{call} raised UnicodeDecodeError: {exc}.{hint}")
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")


def _check_qsort_call(spy, built, call, comparator, size_type, n):
    calls = [c for c in spy.calls if c[0] == "qsort"]
    if not calls:
        pytest.fail(f"{call} never called lib.qsort: the sorting must be done by the C library's qsort().")
    _, args = calls[-1]
    ffi = built.ffi
    expected = getattr(built.lib, comparator)
    given = args[3] if len(args) > 3 else None
    if not (isinstance(given, ffi.CData) and given == expected):
        how = ""
        if isinstance(given, ffi.CData) and "calling" in repr(given):
            how = (
                f' That is an ffi.callback(), a pointer made at run time: in API mode, pass the extern "Python" '
                f"function compiled into the module, lib.{comparator}."
            )
        pytest.fail(
            f"{call} called lib.qsort with the comparator {given!r}, expected lib.{comparator} ({expected!r}).{how}"
        )
    if args[2] != ffi.sizeof(size_type):
        pytest.fail(
            f"{call} called lib.qsort with an item size of {args[2]!r} bytes, expected "
            f'ffi.sizeof("{size_type}") == {ffi.sizeof(size_type)}: qsort() moves items of that size.'
        )
    if args[1] != n:
        pytest.fail(f"{call} called lib.qsort with n = {args[1]!r}, expected {n}, the number of items.")


def test_qsort_is_declared(built):
    qsort = _lib_member(
        built, "qsort", "`void qsort(void *base, size_t n, size_t size, int (*compar)(const void *, const void *));`"
    )
    ctype = built.ffi.typeof(qsort)
    if ctype.cname != QSORT_TYPE:
        pytest.fail(
            f"ffi.typeof(lib.qsort) is {ctype.cname!r}, expected {QSORT_TYPE!r}: declare qsort() as <stdlib.h> does."
        )


@pytest.mark.parametrize("name", COMPARATORS)
def test_comparator_is_extern_python(built, name):
    _comparator(built, name)


def test_descending_compares_ints(built, sort_module, printed):
    pointer = _comparator(built, "descending")
    ffi = built.ffi
    for x, y, sign in [(5, 3, -1), (3, 5, 1), (7, 7, 0), (-4, 2, 1), (INT_MAX, INT_MIN, -1), (INT_MIN, INT_MAX, 1)]:
        with printed() as out:
            got = pointer(ffi.new("int *", x), ffi.new("int *", y))
        want = {-1: "a negative number", 0: "0", 1: "a positive number"}[sign]
        if (got > 0) - (got < 0) != sign:
            pytest.fail(
                f"lib.descending(&{x}, &{y}), called through its C pointer, returned {got}, expected {want}: "
                f"the larger int comes first." + _explain_printed(out[0])
            )


def test_shorter_first_compares_strings(built, sort_module, printed):
    pointer = _comparator(built, "shorter_first")
    ffi = built.ffi
    for x, y, sign in [
        ("fig", "pear", -1),
        ("banana", "kiwi", 1),
        ("ab", "ac", -1),
        ("bb", "ba", 1),
        ("same", "same", 0),
        ("été", "abcd", -1),
    ]:
        owners = [ffi.new("char[]", x.encode()), ffi.new("char[]", y.encode())]
        items = ffi.new("char *[]", owners)
        with printed() as out:
            got = pointer(items + 0, items + 1)
        want = {-1: "a negative number", 0: "0", 1: "a positive number"}[sign]
        if (got > 0) - (got < 0) != sign:
            pytest.fail(
                f"lib.shorter_first(a, b), with a and b pointing to `char *` items {x!r} and {y!r} (UTF-8), "
                f"returned {got}, expected {want}: the shorter string (in characters) comes first, then the "
                "alphabetical order." + _explain_printed(out[0])
            )


def test_sort_descending(sort_module, built, spy, printed):
    _comparator(built, "descending")
    for values in INT_LISTS:
        spy.calls.clear()
        with printed() as out:
            call, got = _call(sort_module, "sort_descending", values)
        expected = sorted(values, reverse=True)
        if got != expected:
            shown = repr(got) if not isinstance(got, list) or len(got) < 20 else f"{got[:10]!r}... ({len(got)} items)"
            wanted = repr(expected) if len(expected) < 20 else f"{expected[:10]!r}... ({len(expected)} items)"
            pytest.fail(f"{call} returned {shown}, expected {wanted}." + _explain_printed(out[0]))
        if values:
            _check_qsort_call(spy, built, call, "descending", "int", len(values))


def test_sort_descending_extremes(sort_module, built, spy, printed):
    _comparator(built, "descending")
    with printed() as out:
        call, got = _call(sort_module, "sort_descending", EXTREMES)
    expected = sorted(EXTREMES, reverse=True)
    if got != expected:
        pytest.fail(f"{call} returned {got!r}, expected {expected!r}." + _explain_printed(out[0]))
    _check_qsort_call(spy, built, call, "descending", "int", len(EXTREMES))


def test_sort_words(sort_module, built, spy, printed):
    _comparator(built, "shorter_first")
    for words in WORD_LISTS:
        spy.calls.clear()
        with printed() as out:
            call, got = _call(sort_module, "sort_words", words)
        expected = word_order(words)
        if got != expected:
            pytest.fail(
                f"{call} returned {got!r}, expected {expected!r}: shortest first (in characters), then "
                "alphabetical." + _explain_printed(out[0])
            )
        if words:
            _check_qsort_call(spy, built, call, "shorter_first", "char *", len(words))


def test_sort_many_words(sort_module, built, spy, printed):
    """Many words, made one by one: memory freed too early gets reused, and the words come back wrong."""
    _comparator(built, "shorter_first")
    rng = random.Random(99)
    words = ["".join(rng.choice("abcdefgh") for _ in range(rng.randint(1, 12))) for _ in range(300)]
    with printed() as out:
        call, got = _call(sort_module, "sort_words", words)
    expected = word_order(words)
    if got != expected:
        wrong = (
            next((i for i, (g, e) in enumerate(zip(got, expected)) if g != e), None) if isinstance(got, list) else None
        )
        detail = f" (item {wrong} is {got[wrong]!r}, expected {expected[wrong]!r})" if wrong is not None else ""
        lost = (
            " Words that were never in the input came back" if isinstance(got, list) and set(got) - set(words) else ""
        )
        pytest.fail(
            f"sort.sort_words(<300 words>) returned a wrong list{detail}.{lost}"
            + (
                ": the C memory of the words was freed while C still used it. A `char *[]` array "
                "only copies the addresses of the `char[]` objects it is made from; keep those objects (a "
                "list of them) alive until you have read the sorted words back."
                if lost
                else ""
            )
            + _explain_printed(out[0])
        )
    _check_qsort_call(spy, built, call, "shorter_first", "char *", len(words))
