"""Grader for 03_set_source/geometry: C maths functions, and libm linked portably.

geometry_build.py must compile ``_geometry_cffi`` with ``distance`` (through
hypot(): no overflow for huge coordinates) and ``cube_root`` (through cbrt():
negative numbers too). Linking is checked on the builder's set_source()
arguments, because a module that forgets libm often imports anyway on Linux
(the Python process has usually loaded libm already): on Linux the builder
must ask for libraries=["m"], on Windows it must not (there is no m.lib).
The platform the grader does not run on is simulated: the builder is run
again with sys.platform, os.name and platform.system() saying that platform.
"""

from __future__ import annotations

import math
import os
import pathlib
import platform
import sys

import pytest

from grader.testing import BuildError, set_source_args

BUILDER = "geometry_build.py"
SIGNATURES = {
    "distance": (
        "double(*)(double, double, double, double)",
        "double distance(double x1, double y1, double x2, double y2);",
    ),
    "cube_root": ("double(*)(double)", "double cube_root(double x);"),
}
DISTANCES = [
    ((0.0, 0.0, 3.0, 4.0), 5.0),
    ((1.0, 1.0, 1.0, 1.0), 0.0),
    ((-1.0, -2.0, 2.0, 2.0), 5.0),
    ((2.5, -1.0, -3.5, 7.0), 10.0),
]
HUGE = ((0.0, 0.0, 3e200, 4e200), 5e200)  # dx*dx overflows to inf; hypot() does not
TINY = ((0.0, 0.0, 3e-200, 4e-200), 5e-200)  # dx*dx underflows to 0; hypot() does not
CUBE_ROOTS = [(27.0, 3.0), (8.0, 2.0), (0.0, 0.0), (2.0, 2.0 ** (1 / 3)), (1e-9, 1e-3), (0.125, 0.5)]
NEGATIVE_CUBE_ROOTS = [(-8.0, -2.0), (-27.0, -3.0), (-2.0, -(2.0 ** (1 / 3)))]
# name: (os.name, platform.system()) on that platform
PLATFORMS = {"linux": ("posix", "Linux"), "win32": ("nt", "Windows")}


def _close(got, expected) -> bool:
    return isinstance(got, float) and math.isclose(got, expected, rel_tol=1e-12, abs_tol=0.0)


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


def _function(built, name):
    if not hasattr(built.lib, name):
        pytest.fail(
            f"the compiled module {built.module_name} has no function `{name}`: keep its declaration "
            f"`{SIGNATURES[name][1]}` in cdef(), and its definition in the C code of set_source()."
        )
    return getattr(built.lib, name)


def _libraries_on(exercise, monkeypatch, target: str) -> list[str]:
    """The libraries= the builder gives set_source() when it runs on ``target`` ("linux" or "win32")."""
    if sys.platform != target:
        os_name, system = PLATFORMS[target]
        monkeypatch.setattr(sys, "platform", target)
        monkeypatch.setattr(platform, "system", lambda: system)
        if os.name != os_name:
            # pathlib.Path() picks WindowsPath or PosixPath from os.name: make the other name give the
            # class of this machine, so that the builder's Path(__file__) still works.
            where = sys.modules[pathlib.Path.__module__]
            real = type(pathlib.Path())
            monkeypatch.setattr(where, "WindowsPath" if os_name == "nt" else "PosixPath", real)
            monkeypatch.setattr(os, "name", os_name)
    try:
        ffi = exercise.builder_ffi(BUILDER)
    except BuildError as exc:
        pytest.fail(f"with sys.platform == {target!r}, running {BUILDER} failed:\n{exc.message}")
    finally:
        monkeypatch.undo()
    assigned = set_source_args(ffi)
    if assigned is None:
        pytest.fail(f"{BUILDER} never calls ffibuilder.set_source()")
    value = assigned.kwargs.get("libraries") or []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def test_module_name(built):
    if built.module_name != "_geometry_cffi":
        pytest.fail(f"set_source() names the module {built.module_name!r}, expected '_geometry_cffi'")


@pytest.mark.parametrize("name", list(SIGNATURES))
def test_signature(built, name):
    expected, declaration = SIGNATURES[name]
    got = built.ffi.typeof(_function(built, name)).cname
    if got != expected:
        pytest.fail(
            f"ffi.typeof(lib.{name}).cname is {got!r}, expected {expected!r}: keep the declaration "
            f"`{declaration}` in cdef() and the same types in the C code."
        )


def _check_distances(func):
    for args, expected in DISTANCES:
        got = func(*args)
        if not _close(got, expected):
            pytest.fail(
                f"lib.distance{args} returned {got!r}, expected {expected!r}: the length of the straight "
                "line between (x1, y1) and (x2, y2), hypot(x2 - x1, y2 - y1)"
            )


def _check_cube_roots(func):
    for x, expected in CUBE_ROOTS:
        got = func(x)
        if not _close(got, expected):
            pytest.fail(f"lib.cube_root({x!r}) returned {got!r}, expected {expected!r} (cbrt(x) from <math.h>)")


def test_distance(built):
    _check_distances(_function(built, "distance"))


@pytest.mark.parametrize("case", [HUGE, TINY], ids=["huge", "tiny"])
def test_distance_does_not_overflow(built, case):
    func = _function(built, "distance")
    _check_distances(func)  # the ordinary cases first: their message says more
    args, expected = case
    got = func(*args)
    if not _close(got, expected):
        squared = "overflows to inf" if case is HUGE else "underflows to 0"
        pytest.fail(
            f"lib.distance{args} returned {got!r}, expected {expected!r}. Squaring a difference of "
            f"{args[2]:g} {squared} in a C double; hypot() from <math.h> computes the same length "
            "without that intermediate square."
        )


def test_cube_root(built):
    _check_cube_roots(_function(built, "cube_root"))


def test_cube_root_of_negative_numbers(built):
    func = _function(built, "cube_root")
    _check_cube_roots(func)
    for x, expected in NEGATIVE_CUBE_ROOTS:
        got = func(x)
        if not _close(got, expected):
            why = (
                ": pow(x, 1.0 / 3) gives NaN (not a number) for a negative x, cbrt(x) does not"
                if isinstance(got, float) and math.isnan(got)
                else " (cbrt(x) from <math.h>)"
            )
            pytest.fail(f"lib.cube_root({x!r}) returned {got!r}, expected {expected!r}{why}")


def test_linux_build_links_libm(exercise, monkeypatch):
    libraries = _libraries_on(exercise, monkeypatch, "linux")
    if "m" not in libraries:
        shown = "" if sys.platform == "linux" else "; the grader ran it as if on Linux"
        pytest.fail(
            f"when your builder runs on Linux (sys.platform == 'linux'{shown}), it gives set_source() "
            f"libraries={libraries!r}, without "
            '"m": the module is not linked with libm, the library that holds hypot() and cbrt() there. It may '
            "still import, because the Python process has usually loaded libm already, but only by luck. Pass "
            'libraries=["m"] on platforms other than Windows.'
        )


def test_windows_build_does_not_link_libm(exercise, monkeypatch):
    libraries = _libraries_on(exercise, monkeypatch, "win32")
    if "m" in libraries:
        shown = "" if sys.platform == "win32" else "; the grader ran it as if on Windows"
        pytest.fail(
            f"when your builder runs on Windows (sys.platform == 'win32'{shown}), it still gives set_source() "
            f"libraries={libraries!r}. Windows has no separate maths library: the maths functions are in its C "
            "runtime, and the link fails with `LINK : fatal error LNK1181: cannot open input file 'm.lib'`. "
            'Ask for "m" only when sys.platform != "win32".'
        )
