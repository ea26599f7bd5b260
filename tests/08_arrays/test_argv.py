"""Grader for 08_arrays/argv: a char ** argument vector whose strings stay alive.

argv_build.py (given) compiles ``_argv_cffi`` with ``count_args(char **argv)``
(counts up to the NULL that ends argv) and ``join_args(argc, argv, out,
size)``. argv.py's ``make_argv(args)`` must return an object with ``argc`` and
``argv``: a ``char *[]`` of argc + 1 pointers to NUL-terminated UTF-8 copies of
the strings, the last one NULL.

The array of pointers does not own what it points to: each string lives only
as long as the cdata that owns it (``ffi.new("char[]", ...)``). So the grader
keeps nothing but the returned object, runs gc.collect() three times, then
allocates many C blocks of the strings' sizes, filled with other bytes (the
memory of a freed string is handed out again), and only then asks C to read
argv. It also checks, without relying on the allocator, that every pointer
of argv points into memory owned by an object the returned object keeps.
"""

from __future__ import annotations

import gc

import pytest

from grader.testing import owned_ranges

BUILDER = "argv_build.py"

ARGS = ["prog", "-v", "--name", "Zoë", "", "a longer argument, with spaces", "x" * 300]
MANY = [f"arg{i}" for i in range(500)]
JUNK_BYTE = b"\x7f"


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def argv_module(exercise, built):
    return exercise.import_module("argv")


def _shown(args: list[str]) -> str:
    def one(arg: str) -> str:
        return f"{arg[0]!r} * {len(arg)}" if len(arg) > 30 and arg == arg[0] * len(arg) else repr(arg)

    if len(args) > 10:
        return f"[{one(args[0])}, {one(args[1])}, ... ({len(args)} strings)]"
    return "[" + ", ".join(map(one, args)) + "]"


def _make(argv_module, args: list[str]):
    func = getattr(argv_module, "make_argv", None)
    if not callable(func):
        pytest.fail("argv.py has no function `make_argv`: keep the `def make_argv(args):` of the starter file.")
    call = f"make_argv({_shown(args)})"
    try:
        made = func(list(args))
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in Argv.__init__ with your code.")
    except TypeError as exc:
        hint = ""
        if "must be a cdata pointer" in str(exc) and ("bytes" in str(exc) or "str" in str(exc)):
            hint = (
                " The items of a char *[] are pointers: CFFI does not turn bytes into them (it would have to "
                "make a copy that nothing keeps). Make each string's C copy yourself, "
                'ffi.new("char[]", arg.encode("utf-8")), keep it, and put it in the array.'
            )
        pytest.fail(f"{call} raised TypeError: {exc}.{hint}")
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")
    for attribute in ("argc", "argv"):
        if not hasattr(made, attribute):
            pytest.fail(
                f"{call} returned {made!r}, which has no attribute `{attribute}`: return an Argv object "
                "with self.argc and self.argv set."
            )
    return call, made


def _check_shape(built, call: str, made, args: list[str]) -> None:
    """argc and the NULL at the end, checked from Python before C reads anything."""
    ffi = built.ffi
    if made.argc != len(args):
        pytest.fail(f"{call}.argc is {made.argc!r}, expected {len(args)}, the number of strings.")
    argv = made.argv
    ctype = ffi.typeof(argv) if isinstance(argv, ffi.CData) else None
    if ctype is None or ctype.kind not in ("array", "pointer") or ctype.item != ffi.typeof("char *"):
        pytest.fail(
            f"{call}.argv is {argv!r}; expected a cdata 'char *[]': an array of pointers, ffi.new(\"char *[]\", ...)."
        )
    if ctype.kind == "array" and len(argv) != len(args) + 1:
        extra = " There is no room for the NULL after the last string." if len(argv) == len(args) else ""
        pytest.fail(
            f"{call}.argv has {len(argv)} items, expected {len(args) + 1}: one pointer per string, then "
            f"ffi.NULL, which tells C where argv ends.{extra}"
        )
    if argv[len(args)] != ffi.NULL:
        pytest.fail(
            f"{call}.argv[{len(args)}] is {argv[len(args)]!r}, expected ffi.NULL: C code walks argv until "
            "the NULL pointer (count_args does), so the array must end with one."
        )


def _pressure(built, args: list[str]) -> list:
    """Collect garbage, then take as much freed memory of the strings' sizes as possible and overwrite it."""
    ffi = built.ffi
    for _ in range(3):
        gc.collect()
    uncleared = ffi.new_allocator(should_clear_after_alloc=False)  # malloc(): reuses freed blocks first
    junk = []
    for size in sorted({len(a.encode("utf-8")) + 1 for a in args}):
        fill = JUNK_BYTE * (size - 1) + b"\0"
        for _ in range(200):
            block = uncleared("char[]", size)
            ffi.memmove(block, fill, size)
            junk.append(block)
            junk.append(ffi.new("char[]", fill[:-1]))
            junk.append(JUNK_BYTE * size)
    return junk


def _joined_by_c(built, made) -> str:
    ffi, lib = built.ffi, built.lib
    n = lib.join_args(made.argc, made.argv, ffi.NULL, 0)
    out = ffi.new("char[]", n + 1)
    lib.join_args(made.argc, made.argv, out, n + 1)
    return ffi.string(out).decode("utf-8", "backslashreplace")


def _check_c_sees(built, call: str, made, args: list[str], after: str) -> None:
    expected = " ".join(args)
    got = _joined_by_c(built, made)
    if got == expected:
        return
    message = f"After {after}, C read these strings through {call}.argv: {got[:200]!r}; expected {expected[:200]!r}."
    if JUNK_BYTE.decode() in got and JUNK_BYTE.decode() not in expected:
        message += (
            " The \\x7f bytes are garbage the grader allocated after make_argv() returned: the memory of your "
            "strings had been freed and handed out again. A char *[] holds only addresses; each string lives "
            'as long as the cdata that owns it, ffi.new("char[]", ...), and a list built inside an expression '
            "(or a local variable) dies when make_argv() returns. Keep every one of them in the Argv object, "
            "for example in self._strings."
        )
    elif "\\x" in got:
        message += ' Encode each string with "utf-8".'
    pytest.fail(message)


def test_shape(argv_module, built):
    call, made = _make(argv_module, ARGS)
    _check_shape(built, call, made, ARGS)
    count = built.lib.count_args(made.argv)
    if count != len(ARGS):
        pytest.fail(
            f"count_args({call}.argv) is {count}, expected {len(ARGS)}: the NULL must come right after the last string."
        )


def test_c_reads_the_strings(argv_module, built):
    call, made = _make(argv_module, ARGS)
    _check_shape(built, call, made, ARGS)
    _check_c_sees(built, call, made, ARGS, "make_argv() returned")


def test_strings_survive_garbage_collection(argv_module, built):
    call, made = _make(argv_module, ARGS)
    _check_shape(built, call, made, ARGS)
    junk = _pressure(built, ARGS)
    _check_c_sees(built, call, made, ARGS, "gc.collect() and many new allocations of the same sizes")
    del junk


def test_many_strings_survive(argv_module, built):
    call, made = _make(argv_module, MANY)
    _check_shape(built, call, made, MANY)
    junk = _pressure(built, MANY)
    _check_c_sees(built, call, made, MANY, "gc.collect() and many new allocations of the same sizes")
    del junk
    if built.lib.count_args(made.argv) != len(MANY):
        pytest.fail(f"count_args({call}.argv) is {built.lib.count_args(made.argv)}, expected {len(MANY)}.")


def test_argv_object_owns_its_strings(argv_module, built):
    ffi = built.ffi
    call, made = _make(argv_module, ARGS)
    _check_shape(built, call, made, ARGS)
    ranges = owned_ranges(ffi, made)
    for i, arg in enumerate(ARGS):
        address = int(ffi.cast("uintptr_t", made.argv[i]))
        size = len(arg.encode("utf-8")) + 1
        if not any(start <= address and address + size <= end for start, end in ranges):
            pytest.fail(
                f"{call}.argv[{i}] points to {address:#x}, memory that no object kept by the returned Argv owns: "
                f"the string {arg!r} can be freed, and its memory reused, at any moment. The array of pointers "
                'does not keep its strings alive. Keep each ffi.new("char[]", ...) in the Argv object, for '
                "example in a list self._strings, for as long as argv is used."
            )


def test_utf8(argv_module, built):
    args = ["Zoë", "東京", "😀", "naïve café"]
    call, made = _make(argv_module, args)
    _check_shape(built, call, made, args)
    for i, arg in enumerate(args):
        got = built.ffi.string(made.argv[i])
        if got != arg.encode("utf-8"):
            pytest.fail(
                f"{call}.argv[{i}] holds {got!r}; expected the UTF-8 bytes {arg.encode('utf-8')!r}: "
                'encode each string with arg.encode("utf-8").'
            )
    _check_c_sees(built, call, made, args, "make_argv() returned")


def test_empty_list(argv_module, built):
    call, made = _make(argv_module, [])
    _check_shape(built, call, made, [])
    if built.lib.count_args(made.argv) != 0:
        pytest.fail(f"count_args({call}.argv) is not 0: an empty argv is one NULL pointer.")
