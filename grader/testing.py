"""The public API for graders (tests/NN_topic/test_*.py), imported as ``grader.testing``.

A grader imports what it needs from here and from nowhere else in ``grader``, and
reads no private attribute (``_name``) of cffi's or the engine's objects:
tests/engine/test_grader_api.py checks every grader for both. What is here:

* ``ExerciseFiles``, the ``exercise`` fixture's object: the learner's files,
  ``build_module()``, ``builder_ffi()``, ``import_module()``, ``traceback()``...
  ``Built`` is what ``build_module()`` returns; ``BuildError`` what a grader raises
  (or re-raises, with more advice) when the learner's code cannot be built or imported:
  the grade then says "error", not "fail".
* ``set_source_args`` and ``cdef_declarations``: what a builder script gave
  ``set_source()`` and ``cdef()``, which cffi offers no public way to read.
* ``LibSpy`` answers a question a grader cannot settle from return values alone:
  did the learner's Python module call the C function (and with what), or did it
  compute the answer some other way? ``install_lib_spy`` puts the spy wherever
  the learner's module can reach the compiled ``lib``.
* ``PoisoningAllocator`` (with ``install_poisoning_ffi``) makes a keep-alive bug fail every
  run instead of when freed memory happens to be reused; ``owned_ranges`` says whether a
  pointer C keeps points into memory something owns; ``collect_garbage`` frees what
  nothing refers to, now, on PyPy too. Graders of lifetimes use them.
* ``CCounters``: counters a C library keeps (live objects, frees), compared before and after.
* ``callback_output``: what cffi prints while C calls back into Python.
* ``cannot_embed``, ``build_embedding_library``, ``compile_host``, ``run_host`` (lesson 16):
  why Python cannot be embedded here (the checks then skip), the learner's builder run as a
  script to make ``libNAME.*``, a C host program compiled and run (grader/embedding.py);
  ``run_host(..., builder=, show=)``'s ``shown`` is the host's output for a message, each
  line of the init code in a traceback named as the learner's builder line.
* ``c_compiler``: the C compiler setuptools would use here, for a grader that builds a
  library of its own (lesson 17's libgreet.so.1, with its soname).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .build import BuildError, Built
from .embedding import build_library as build_embedding_library
from .embedding import cannot_embed, compile_host, run_host
from .plugin import ExerciseFiles
from .shlib import c_compiler

__all__ = [
    "BuildError",
    "Built",
    "CCounters",
    "ExerciseFiles",
    "LibSpy",
    "PoisoningAllocator",
    "SetSourceArgs",
    "build_embedding_library",
    "build_with_system_library",
    "c_compiler",
    "callback_output",
    "cannot_embed",
    "cdef_declarations",
    "collect_garbage",
    "compile_host",
    "install_lib_spy",
    "install_poisoning_ffi",
    "owned_ranges",
    "run_host",
    "set_source_args",
]


class SetSourceArgs(NamedTuple):
    """What a builder script passed to ``ffibuilder.set_source(module_name, source, **kwargs)``."""

    module_name: str
    source: str | None
    kwargs: dict


def set_source_args(ffibuilder: Any) -> SetSourceArgs | None:
    """What the builder's FFI (``exercise.builder_ffi(...)``) was given by ``set_source()``,
    or None if the script never called it.

    cffi keeps it in a private attribute and offers no public way to read it; this is the
    one place that reads it (tests/engine/test_grader_api.py checks it on CPython and PyPy)."""
    assigned = getattr(ffibuilder, "_assigned_source", None)
    if assigned is None:
        return None
    module_name, source, _extension, kwargs = assigned
    return SetSourceArgs(module_name, source, dict(kwargs))


def cdef_declarations(ffibuilder: Any) -> dict[str, Any] | None:
    """What the builder's ``cdef()`` declared, before the compiler had its word:
    ``{"typedef ticks_t": <type>, "macro TIMER_HZ": <type>, "struct point": <type>, ...}``
    (keys are "typedef", "macro", "struct", "union", "enum", "function", "variable" or
    "constant" and the name; values are the types of ``cffi.model``, e.g. a
    ``typedef int... x;`` is an ``UnknownIntegerType``, a ``struct s { ...; }`` has
    ``partial`` True; a macro's value is the string ``"..."`` for ``#define X ...``, or the
    number written). None if this version of cffi keeps them elsewhere: a grader then checks
    behaviour only.

    cffi keeps them in a private attribute of its parser; this is the one place that reads
    it (tests/engine/test_grader_api.py checks it on CPython and PyPy)."""
    declarations = getattr(getattr(ffibuilder, "_parser", None), "_declarations", None)
    if not isinstance(declarations, dict):
        return None
    return {key: value[0] if isinstance(value, tuple) else value for key, value in declarations.items()}


class LibSpy:
    """Stands in for a compiled ``lib``: each call of a C function is recorded
    (``calls``), then passed to the real function. Non-callable attributes
    (constants, globals) are the real ones: read and write them on ``spy.lib``.

    ``lib`` and ``ffi`` are the real ones (``ffi`` for subclasses that read what C is given).
    With ``pass_pointers=True`` (which needs ``ffi``), C function pointers that ``lib`` holds
    (an ``extern "Python"`` function, a global function pointer) are handed out as they are,
    unrecorded: wrapped, they would be Python functions, which C cannot take (``qsort(...,
    lib.descending)``). Leave it False in ABI mode, where every function of ``lib`` is a
    C function pointer.

    Subclasses override ``record(name, args)`` to keep something else (say, the
    bytes C is about to read) or to stop a call that would kill the process by
    raising an exception, and ``wrap(name, target)`` to change what C answers (C's
    answer plus 1000, say, which only a module that returns C's answer returns)."""

    def __init__(self, lib: Any, ffi: Any = None, *, pass_pointers: bool = False) -> None:
        if pass_pointers and ffi is None:
            raise TypeError("LibSpy(lib, pass_pointers=True) needs the ffi: LibSpy(built.lib, built.ffi, ...)")
        self.lib = lib
        self.ffi = ffi
        self.pass_pointers = pass_pointers
        self.calls: list[Any] = []

    def __getattr__(self, name: str) -> Any:
        if name in ("lib", "ffi", "pass_pointers", "calls"):  # while __init__ has not run yet (copy, pickle)
            raise AttributeError(name)
        target = getattr(self.lib, name)
        if not callable(target) or (self.pass_pointers and isinstance(target, self.ffi.CData)):
            return target
        return self.wrap(name, target)

    def record(self, name: str, args: tuple) -> Any:
        """What ``calls`` keeps for one call; may raise to stop the call."""
        return (name, args)

    def wrap(self, name: str, target: Any):
        """A Python function that records a call of ``target`` (the C function ``name``), then makes it."""

        def c_function(*args):
            self.calls.append(self.record(name, args))
            return target(*args)

        c_function.__name__ = name
        return c_function

    def names(self) -> list[str]:
        """The C functions called, in order."""
        return [c[0] if isinstance(c, tuple) else c for c in self.calls]

    def last(self, name: str) -> Any:
        """The last record of a call to ``name``, or None."""
        found = [c for c in self.calls if (c[0] if isinstance(c, tuple) else c) == name]
        return found[-1] if found else None


def install_lib_spy(module: Any, built: Built | None, monkeypatch: Any, spy: LibSpy) -> LibSpy:
    """Make ``module`` (the learner's Python module) call C through ``spy`` (a LibSpy of
    ``built.lib``), and return ``spy``.

    Covers the ways a module reaches C: a global bound to ``lib``
    (``from _x_cffi import lib``), to one of its functions
    (``from _x_cffi.lib import add``), a default argument holding one
    (``def f(a, _add=lib.add)``), and ``import _x_cffi`` followed by
    ``_x_cffi.lib.add(...)``. ``built`` is None for a ``lib`` that no built module holds
    (one the learner's module opened itself with ``ffi.dlopen()``): then only the first
    three. ``monkeypatch`` undoes all of it after the test."""
    real_lib = spy.lib
    functions = {}
    for name in dir(real_lib):
        try:
            value = getattr(real_lib, name)
        except Exception:  # a global that cannot be read is no function
            continue
        if callable(value) and not (spy.pass_pointers and isinstance(value, spy.ffi.CData)):
            functions[name] = value

    def spied(value):
        if value is real_lib:
            return spy
        for name, func in functions.items():
            if value is func:
                return spy.wrap(name, func)
        return value

    for global_name, value in list(vars(module).items()):
        if spied(value) is not value:
            monkeypatch.setattr(module, global_name, spied(value))
        defaults = getattr(value, "__defaults__", None)
        if defaults and any(spied(d) is not d for d in defaults):
            monkeypatch.setattr(value, "__defaults__", tuple(spied(d) for d in defaults))
    if built is not None:
        monkeypatch.setattr(built.module, "lib", spy)
    return spy


class PoisoningAllocator:
    """An ``ffi.new`` whose freed blocks are never handed out again and never keep their content.

    A keep-alive bug (C still holds a pointer into memory whose owner Python dropped) shows
    only if something overwrites the freed memory before C reads it, which is luck: CPython
    usually reuses a freed block at once, PyPy frees it only when its collector runs, and the
    machine's load decides the rest. Blocks from ``new``, once their owner dies, are filled
    with 0xDD and kept aside until ``release()``, so C reading through a dangling pointer
    reads 0xDD bytes on every run and every interpreter. Each block has one more byte, always
    0, so that a C string read through such a pointer ends inside the block.

    The grader still has to let PyPy free what nothing refers to: call ``collect_garbage()``
    between the learner's code and the C call that would read freed memory."""

    POISON = 0xDD

    def __init__(self, ffi: Any) -> None:
        self._ffi = ffi
        self._live: dict[int, tuple[Any, int]] = {}
        self._freed: list[tuple[int, int, Any]] = []
        self.new = ffi.new_allocator(alloc=self._alloc, free=self._free, should_clear_after_alloc=True)

    def _address(self, pointer: Any) -> int:
        return int(self._ffi.cast("uintptr_t", pointer))

    def _alloc(self, size: int) -> Any:
        owner = self._ffi.new("char[]", size + 1)  # zeroed, the guard byte included
        pointer = self._ffi.cast("void *", owner)
        self._live[self._address(pointer)] = (owner, size)
        return pointer

    def _free(self, pointer: Any) -> None:
        # Called when the cdata that ffi.new returned dies (at once on CPython, at a collection on PyPy).
        address = self._address(pointer)
        owner, size = self._live.pop(address)
        self._ffi.memmove(owner, bytes([self.POISON]) * size, size)
        self._freed.append((address, size, owner))

    def is_freed(self, pointer: Any) -> bool:
        """Whether ``pointer`` points into a block whose owner has died."""
        address = self._address(pointer)
        return any(start <= address < start + max(size, 1) for start, size, _ in self._freed)

    def release(self) -> None:
        """Give the freed blocks back (at the end of a test: nothing may point to them any more)."""
        self._freed.clear()


class _FfiWithAllocator:
    """Stands in for a learner module's ``ffi``: everything is the real one's, except ``new``."""

    def __init__(self, ffi: Any, new: Any) -> None:
        self._ffi = ffi
        self.new = new

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)


def _is_bound_new(value: Any, ffi: Any) -> bool:
    try:
        return bool(value == ffi.new)  # each `ffi.new` is a new bound method: they compare equal, not `is`
    except Exception:
        return False


def install_poisoning_ffi(module: Any, built: Any, monkeypatch: Any) -> PoisoningAllocator:
    """Make ``module`` (the learner's Python module) allocate with ``ffi.new`` through a
    PoisoningAllocator, whether it reaches ffi as a global (``from _x_cffi import ffi``) or as
    ``_x_cffi.ffi``. ``monkeypatch`` undoes it after the test; call ``release()`` then."""
    allocator = PoisoningAllocator(built.ffi)
    stand_in = _FfiWithAllocator(built.ffi, allocator.new)
    for global_name, value in list(vars(module).items()):
        if value is built.ffi:
            monkeypatch.setattr(module, global_name, stand_in)
        elif callable(value) and _is_bound_new(value, built.ffi):
            monkeypatch.setattr(module, global_name, allocator.new)  # `new = ffi.new` at the top of the module
    monkeypatch.setattr(built.module, "ffi", stand_in)
    return allocator


def owned_ranges(ffi: Any, root: Any) -> list[tuple[int, int]]:
    """(start, end) addresses of the memory owned by every object reachable from ``root``:
    cdata arrays (ffi.new, ffi.from_buffer) and buffers (bytes, bytearray, array.array...).

    A pointer C keeps is safe only if it points into one of them: that settles a keep-alive
    question on every run, where reading the memory later only fails if it was reused."""
    import gc
    import types

    skip = (type, str, int, float, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)
    ranges: list = []
    seen: set[int] = set()
    todo = [root]
    while todo and len(seen) < 100_000:
        obj = todo.pop()
        if id(obj) in seen or obj is None or isinstance(obj, skip):
            continue
        seen.add(id(obj))
        if isinstance(obj, ffi.CData):
            if ffi.typeof(obj).kind == "array":
                start = int(ffi.cast("uintptr_t", obj))
                ranges.append((start, start + ffi.sizeof(obj)))
        elif isinstance(obj, (bytes, bytearray, memoryview)) or hasattr(obj, "buffer_info"):
            try:
                view = memoryview(obj)
                start = int(ffi.cast("uintptr_t", ffi.from_buffer(view)))
                ranges.append((start, start + view.nbytes + (1 if isinstance(obj, bytes) else 0)))
            except (TypeError, ValueError, BufferError):
                pass
        todo.extend(gc.get_referents(obj))
        if hasattr(obj, "__dict__"):
            todo.append(vars(obj))
    return ranges


def collect_garbage() -> None:
    """Free what nothing refers to, now: CPython frees most objects at once, PyPy only when
    its collector runs, and objects in reference cycles wait for a collection everywhere."""
    import gc

    for _ in range(3):
        gc.collect()


class CCounters:
    """Counters a C library keeps for its graders (live objects, destroy calls, misuses...),
    read at the start and compared later: ``delta()`` is how much each one changed.

    ``read`` returns the counters as a tuple, e.g. ``lambda: (lib.live(), lib.freed())``.
    Garbage is collected first, so that what earlier checks dropped is not counted."""

    def __init__(self, read) -> None:
        self.read = read
        collect_garbage()
        self.start = tuple(read())

    def now(self) -> tuple:
        return tuple(self.read())

    def delta(self) -> tuple:
        return tuple(b - a for a, b in zip(self.start, self.now()))


def callback_output(capfd: Any, monkeypatch: Any):
    """A context manager factory for what cffi prints while C calls back into Python:
    the exceptions a callback raised (CPython hands them to ``sys.unraisablehook``, PyPy
    prints them on stderr) and cffi's notes, such as an extern "Python" function with no
    code attached. ``with watch() as out:`` ... then ``out[0]`` is the text, stripped."""
    import contextlib
    import sys
    import traceback

    seen: list[str] = []

    def hook(unraisable) -> None:
        text = "".join(traceback.format_exception(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback))
        seen.append(f"{unraisable.err_msg or 'Exception ignored'}: {unraisable.object!r}\n{text}")

    if hasattr(sys, "unraisablehook"):
        monkeypatch.setattr(sys, "unraisablehook", hook)

    @contextlib.contextmanager
    def watch():
        capfd.readouterr()
        out: list[str] = []
        try:
            yield out
        finally:
            text = "".join(seen) + capfd.readouterr().err
            seen.clear()
            out.append(text.strip())

    return watch


def build_with_system_library(exercise: ExerciseFiles, builder: str, header: str, library: str, install: str) -> Built:
    """``exercise.build_module(builder)`` for a given builder that links a library installed on
    the system (lesson 15's zlib: ``header`` "zlib.h", ``library`` "z"). Where this machine does
    not have it (the compiler finds no ``header``, or the linker no ``library``), every check of
    the grader is skipped with the reason and ``install``, what to do: the gap is the machine's,
    not a mistake in the learner's files, and ``nox -s doctor`` says the same."""
    import re

    import pytest

    try:
        return exercise.build_module(builder)
    except BuildError as exc:
        name, lib = re.escape(header), re.escape(library)
        missing = re.search(
            rf"(?<!\w){name}'?:? (no such file|file not found)|cannot open include file: '{name}'",
            str(exc),
            re.IGNORECASE,
        )
        unlinked = re.search(
            rf"cannot find -l{lib}\b|library not found for -l{lib}\b|cannot open input file "
            rf"'{lib}\.lib'",
            str(exc),
            re.IGNORECASE,
        )  # ld, Apple's ld, MSVC's link
        if missing or unlinked:
            what = f"its header, {header}" if missing else f"the library (-l{library})"
            pytest.skip(
                f"this machine cannot build against {header.split('.')[0]}: the compiler did not find {what}. {install}"
            )
        raise
