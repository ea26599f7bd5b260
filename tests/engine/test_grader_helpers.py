"""grader.testing's lifetime helpers: a keep-alive bug must show on every run, on CPython and PyPy.

Each test makes the mistake a learner makes (a ``char *[]`` built from temporary ``char[]``
owners) and checks that the helper exposes it without waiting for freed memory to be reused.
"""

from __future__ import annotations

import types

import cffi
import pytest

from grader.testing import PoisoningAllocator, collect_garbage, install_poisoning_ffi, owned_ranges

ffi = cffi.FFI()
WORDS = [b"pear", b"fig", b"banana"]


def test_a_dropped_owner_is_poisoned_and_kept_aside():
    allocator = PoisoningAllocator(ffi)
    kept = allocator.new("char[]", b"kept")
    pointers = ffi.new("char *[]", [allocator.new("char[]", w) for w in WORDS])  # owners dropped at once
    collect_garbage()  # PyPy frees them only now
    for i, word in enumerate(WORDS):
        assert ffi.string(pointers[i]) == b"\xdd" * (len(word) + 1)  # ends at the guard byte, inside the block
        assert allocator.is_freed(pointers[i])
    assert ffi.string(kept) == b"kept"
    assert not allocator.is_freed(kept)
    # Freed blocks are never handed out again while the test runs.
    fresh = [allocator.new("char[]", w) for w in WORDS]
    addresses = {int(ffi.cast("uintptr_t", p)) for p in fresh}
    assert not addresses & {int(ffi.cast("uintptr_t", pointers[i])) for i in range(len(WORDS))}
    allocator.release()


def test_install_replaces_the_modules_ffi_new(monkeypatch):
    built = types.SimpleNamespace(ffi=ffi, module=types.SimpleNamespace(ffi=ffi))
    learner = types.ModuleType("learner")
    learner.ffi = ffi
    learner.new = ffi.new  # `new = ffi.new` at the top of a module
    allocator = install_poisoning_ffi(learner, built, monkeypatch)
    via_global = learner.ffi.new("char[]", b"a")
    via_alias = learner.new("char[]", b"b")
    via_module = built.module.ffi.new("char[]", b"c")
    assert learner.ffi.sizeof("int") == ffi.sizeof("int")  # everything else is the real ffi's
    del via_global, via_alias, via_module
    collect_garbage()
    assert len(allocator._freed) == 3
    monkeypatch.undo()
    assert learner.ffi is ffi
    assert built.module.ffi is ffi


class _Holder:
    def __init__(self, owned, not_owned_address):
        self.owned = owned
        self.address = not_owned_address


@pytest.mark.parametrize("kind", ["cdata", "bytearray", "tuple"])
def test_owned_ranges_finds_what_an_object_keeps(kind):
    owner = ffi.new("char[]", b"hello")
    stray = ffi.new("char[]", b"stray")
    kept = {"cdata": owner, "bytearray": bytearray(b"hello"), "tuple": (1, owner)}[kind]
    holder = _Holder(kept, int(ffi.cast("uintptr_t", stray)))
    inside = int(ffi.cast("uintptr_t", ffi.from_buffer(kept) if kind == "bytearray" else owner)) + 2
    ranges = owned_ranges(ffi, holder)
    assert any(start <= inside < end for start, end in ranges)
    assert not any(start <= holder.address < end for start, end in ranges)
