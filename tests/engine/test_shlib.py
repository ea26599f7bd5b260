"""grader/shlib.py: shared libraries for ABI-mode exercises, built into the cache."""

from __future__ import annotations

import sys

import cffi
import pytest

from grader import shlib


@pytest.fixture
def source(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "shapes.c").write_text("int area(int w, int h) { return w * h; }\n")
    return src / "shapes.c"


def test_builds_loads_and_reuses(source, tmp_path):
    cache = tmp_path / "cache"
    path = shlib.build_shared_library("shapes", [source], ["area"], cache)
    assert path.is_file(), f"library built at {path}, expected inside {cache}"
    assert cache in path.parents, f"library built at {path}, expected inside {cache}"
    assert sorted(p.name for p in source.parent.iterdir()) == ["shapes.c"], "nothing written next to the sources"
    ffi = cffi.FFI()
    ffi.cdef("int area(int, int);")
    assert ffi.dlopen(str(path)).area(6, 7) == 42
    assert shlib.build_shared_library("shapes", [source], ["area"], cache) == path, "same content: same entry"
    source.write_text("int area(int w, int h) { return w * h + 1; }\n")
    assert shlib.build_shared_library("shapes", [source], ["area"], cache) != path, "new content: new entry"


@pytest.mark.skipif(sys.platform == "win32", reason="MSVC's compiler has no dylib naming to fake")
def test_the_returned_path_is_the_file_written_for_each_kind(source, tmp_path, monkeypatch):
    """macOS asks for a .dylib: the file linked must be the one returned (faked here: the
    Linux linker does not mind the name)."""
    monkeypatch.setattr(shlib, "library_kind", lambda: "dylib")
    path = shlib.build_shared_library("shapes", [source], ["area"], tmp_path / "cache")
    assert path.name == "libshapes.dylib", (path, sorted(p.name for p in path.parent.iterdir()))
    assert path.is_file(), (path, sorted(p.name for p in path.parent.iterdir()))


@pytest.mark.parametrize(("platform", "kind"), [("linux", "shared"), ("darwin", "dylib"), ("win32", "shared")])
def test_library_kind_per_platform(monkeypatch, platform, kind):
    monkeypatch.setattr(sys, "platform", platform)
    assert shlib.library_kind() == kind
