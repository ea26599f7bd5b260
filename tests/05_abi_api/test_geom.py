"""Grader for 05_abi_api/geom: a shared library the learner did not build, loaded by path.

The grader builds geom.c into a plain shared library (in the cache) and copies
it, under this system's conventional file name, into a fresh folder that the
learner's code cannot know in advance. geom.py must name the file for Linux,
macOS and Windows (checked on every system by pretending to be each one while
library_filename() runs), declare geom.h's two functions with their exact types,
and load(folder) must return the library opened with ffi.dlopen() (ABI mode:
its functions are cdata function pointers, not a compiled module's functions).
"""

from __future__ import annotations

import os
import platform
import shutil
import sys

import pytest

EXPORTS = ["geom_triangle_area", "geom_quadrant"]
SIGNATURES = {
    "geom_triangle_area": "double(*)(double, double, double, double, double, double)",
    "geom_quadrant": "int(*)(double, double)",
}
HEADER = {
    "geom_triangle_area": "double geom_triangle_area(double ax, double ay, double bx, double by, double cx, "
    "double cy);",
    "geom_quadrant": "int geom_quadrant(double x, double y);",
}
TRIANGLES = {
    (0.0, 0.0, 4.0, 0.0, 0.0, 3.0): 6.0,
    (0.0, 0.0, 0.0, 3.0, 4.0, 0.0): 6.0,  # the other way round: still positive
    (1.5, -2.0, 3.5, 2.0, -0.5, 1.0): 7.0,
    (1.0, 1.0, 2.0, 2.0, 3.0, 3.0): 0.0,
}
QUADRANTS = {(1.0, 2.0): 1, (-1.0, 2.0): 2, (-0.5, -0.5): 3, (3.0, -1.0): 4, (0.0, 5.0): 0, (2.0, 0.0): 0}

# sys.platform, os.name, platform.system() -> the file name of the library "geom".
SYSTEMS = {
    "Linux": ("linux", "posix", "Linux", "lib{}.so"),
    "macOS": ("darwin", "posix", "Darwin", "lib{}.dylib"),
    "Windows": ("win32", "nt", "Windows", "{}.dll"),
}


def _conventional(name: str) -> str:
    for plat, _, _, pattern in SYSTEMS.values():
        if sys.platform == plat:
            return pattern.format(name)
    return f"lib{name}.so"  # other POSIX systems


@pytest.fixture(scope="module")
def geom(exercise):
    return exercise.import_module("geom")


@pytest.fixture(scope="module")
def folder(exercise, tmp_path_factory):
    """A fresh folder holding the built geom library under its conventional name."""
    built = exercise.shared_library("geom", ["geom.c"], exports=EXPORTS)
    folder = tmp_path_factory.mktemp("vendor")
    shutil.copy2(built, folder / built.name)  # exercise.shared_library() names it as the platform does
    return folder


def _function(geom, name):
    func = getattr(geom, name, None)
    if not callable(func):
        pytest.fail(f"geom.py has no function `{name}`: keep the `def {name}(...)` of the starter file.")
    return func


def _load(geom, folder):
    """geom.load(folder), or a failed check saying what went wrong. (Called in each test, not as a
    fixture: a load() that does not work yet is then a failed check, not an error.)"""
    load = _function(geom, "load")
    call = f"geom.load(Path({str(folder)!r}))"
    try:
        lib = load(folder)
    except NotImplementedError:
        pytest.fail("geom.load(folder) raised NotImplementedError: replace the TODO in load() with your code.")
    except TypeError as exc:
        pytest.fail(f"{call} raised TypeError: {exc}. ffi.dlopen() takes the path as a str: str(path).")
    except OSError as exc:
        pytest.fail(
            f"{call} raised OSError: {exc}\nThe folder holds {_conventional('geom')!r}. Give ffi.dlopen() the "
            "full path of that file, the folder joined with the file name: a bare file name is looked for in "
            "the system's library folders, not in `folder`."
        )
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")
    if lib is None:
        pytest.fail(f"{call} returned None: return the library object that ffi.dlopen() gives.")
    return lib


def _c_function(lib, name):
    try:
        return getattr(lib, name)
    except AttributeError as exc:
        pytest.fail(
            f"the library geom.load() returned has no `{name}` ({exc}): it only has what ffi.cdef() "
            f"declares. Declare `{HEADER[name]}` in cdef(), as in geom.h."
        )


# --- the file name ------------------------------------------------------------------------


def test_library_filename_here(geom):
    func = _function(geom, "library_filename")
    try:
        got = func("geom")
    except NotImplementedError:
        pytest.fail("library_filename('geom') raised NotImplementedError: replace its TODO with your code.")
    expected = _conventional("geom")
    if got != expected:
        pytest.fail(
            f"library_filename('geom') returned {got!r} on this system ({sys.platform}), expected {expected!r}."
        )


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_library_filename_on_each_system(geom, monkeypatch, system):
    func = _function(geom, "library_filename")
    plat, osname, system_name, pattern = SYSTEMS[system]
    results = {}
    with monkeypatch.context() as m:
        m.setattr(sys, "platform", plat)
        m.setattr(os, "name", osname)
        m.setattr(platform, "system", lambda: system_name)
        for name in ("geom", "png"):
            try:
                results[name] = func(name)
            except NotImplementedError:
                results[name] = NotImplementedError
            except Exception as exc:
                results[name] = exc
    for name, got in results.items():
        call = f"library_filename({name!r}), run as if on {system} (sys.platform == {plat!r}),"
        if got is NotImplementedError:
            pytest.fail(f"library_filename({name!r}) raised NotImplementedError: replace its TODO with your code.")
        if isinstance(got, Exception):
            pytest.fail(f"{call} raised {type(got).__name__}: {got}")
        expected = pattern.format(name)
        if got != expected:
            pytest.fail(
                f"{call} returned {got!r}, expected {expected!r}. Shared libraries are named lib<name>.so "
                "on Linux, lib<name>.dylib on macOS and <name>.dll on Windows."
            )


# --- the library --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SIGNATURES))
def test_loaded_with_dlopen(geom, folder, name):
    lib = _load(geom, folder)
    import cffi

    func = _c_function(lib, name)
    if not isinstance(func, cffi.FFI().CData):
        kind = type(func).__name__
        pytest.fail(
            f"lib.{name} is a {kind}, not a C function pointer (cdata) from ffi.dlopen()"
            + (": that is a function of a compiled (API-mode) module." if kind == "builtin_function_or_method" else ".")
            + " load() opens the library file it is given, with ffi.dlopen(): ABI mode, no compiler."
        )


@pytest.mark.parametrize("name", list(SIGNATURES))
def test_declared_as_geom_h_says(geom, folder, name):
    lib = _load(geom, folder)
    import cffi

    func = _c_function(lib, name)
    try:
        got = cffi.FFI().typeof(func).cname
    except TypeError:
        pytest.fail(f"lib.{name} is {func!r}, not a C function loaded by ffi.dlopen().")
    if got != SIGNATURES[name]:
        pytest.fail(
            f"ffi.typeof(lib.{name}) is {got!r}, expected {SIGNATURES[name]!r}. geom.h declares "
            f"`{HEADER[name]}`. In ABI mode nothing compares your cdef() with the library: a wrong type is not "
            "an error, just wrong answers."
        )


def test_triangle_area(geom, folder):
    lib = _load(geom, folder)
    func = _c_function(lib, "geom_triangle_area")
    for corners, expected in TRIANGLES.items():
        got = func(*corners)
        if got != pytest.approx(expected):
            pytest.fail(
                f"lib.geom_triangle_area{corners} returned {got!r}, expected {expected}. The library "
                "computes it right: check the types of its declaration in cdef() against geom.h."
            )


def test_quadrant(geom, folder):
    lib = _load(geom, folder)
    func = _c_function(lib, "geom_quadrant")
    for point, expected in QUADRANTS.items():
        got = func(*point)
        if got != expected:
            pytest.fail(
                f"lib.geom_quadrant{point} returned {got!r}, expected {expected}. The library computes it "
                "right: check the types of its declaration in cdef() against geom.h."
            )
