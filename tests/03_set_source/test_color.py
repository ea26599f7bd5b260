"""Grader for 03_set_source/color: a module built from a C library's own .c/.h files.

color_build.py must compile ``_color_cffi`` from the given color.c and color.h:
the three prototypes copied into cdef(), ``#include "color.h"`` in the
set_source() string, color.c compiled through ``sources=`` and the header found
through ``include_dirs=``, both as absolute paths from the builder's folder, and
the library's COLOR_SATURATE option turned on with ``define_macros=`` (a
``#define`` in the set_source() string would not reach color.c). The values
checked (the saturating pack, the eye-weighted gray) come only from that
color.c compiled with that option; the structure checks read the arguments the
builder gives set_source().
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.testing import BuildError, set_source_args

BUILDER = "color_build.py"
DECLARATIONS = {
    "rgb_pack": ("unsigned int(*)(int, int, int)", "unsigned int rgb_pack(int red, int green, int blue);"),
    "rgb_gray": ("int(*)(unsigned int)", "int rgb_gray(unsigned int color);"),
    "rgb_mix": ("unsigned int(*)(unsigned int, unsigned int)", "unsigned int rgb_mix(unsigned int a, unsigned int b);"),
}
PACK = {(255, 128, 0): 0xFF8000, (0, 0, 0): 0x000000, (18, 52, 86): 0x123456, (255, 255, 255): 0xFFFFFF}
GRAY = {0xFFFFFF: 255, 0xFF0000: 76, 0x00FF00: 150, 0x0000FF: 29, 0x808080: 128, 0x123456: 46, 0x000000: 0}
MIX = {(0xFF0000, 0x0000FF): 0x7F007F, (0x102030, 0x302010): 0x202020, (0xFFFFFF, 0xFFFFFF): 0xFFFFFF}
# Out-of-range components: what COLOR_SATURATE gives, and what color.c gives without it.
SATURATED = {(300, -5, 128): 0xFF0080, (256, 1000, -1): 0xFFFF00}
WRAPPED = {(300, -5, 128): 0x2CFB80, (256, 1000, -1): 0x00E8FF}
# How gcc/clang, and MSVC, say that a header was not found.
HEADER_MISSING = ("No such file", "not found", "Cannot open include file")


def _hex(value) -> str:
    return f"0x{value:06X}" if isinstance(value, int) and value >= 0 else repr(value)


@pytest.fixture(scope="module")
def built(exercise):
    try:
        return exercise.build_module(BUILDER)
    except BuildError as exc:
        if "color.h" in exc.message and any(words in exc.message for words in HEADER_MISSING):
            raise BuildError(
                exc.kind,
                exc.message
                + (
                    '\nThe compiler looks for "color.h" next to the C file cffi generates, which is in the build '
                    "folder, and then in the folders of include_dirs=. Pass include_dirs=[str(HERE)] to set_source()."
                ),
            ) from None
        if any(f"multiple definition of `{name}'" in exc.message for name in DECLARATIONS):
            raise BuildError(
                exc.kind,
                exc.message
                + (
                    "\nThe library's functions are defined twice: in color.c, compiled through sources=, and in the "
                    'set_source() string. Leave their code in color.c only: the string needs just #include "color.h".'
                ),
            ) from None
        if any(f"`{name}` is declared in cdef()" in exc.message for name in DECLARATIONS):
            raise BuildError(
                exc.kind,
                exc.message
                + (
                    "\nHere that C code is in color.c: compile it into the module with "
                    'sources=[str(HERE / "color.c")], and put #include "color.h" in the set_source() string so that '
                    "the glue knows the functions (do not copy color.c's code into the string)."
                ),
            ) from None
        raise


@pytest.fixture(scope="module")
def options(exercise):
    """The keyword arguments the builder gives set_source() (sources=, include_dirs=, ...)."""
    ffi = exercise.builder_ffi(BUILDER)
    assigned = set_source_args(ffi)
    if assigned is None:
        pytest.fail(f"{BUILDER} never calls ffibuilder.set_source(): it names the module and gives its C code.")
    return assigned.kwargs


def _paths(options, key) -> list[Path]:
    value = options.get(key) or []
    if isinstance(value, (str, os.PathLike)):
        value = [value]
    return [Path(os.fspath(item)) for item in value]


def _same_file(path: Path, target: Path) -> bool:
    try:
        return path.is_absolute() and path.resolve() == target.resolve()
    except OSError:
        return False


def _function(built, name):
    if not hasattr(built.lib, name):
        pytest.fail(
            f"the compiled module {built.module_name} has no function `{name}`: lib only has what cdef() "
            f"declares. Copy its prototype from color.h into ffibuilder.cdef(): `{DECLARATIONS[name][1]}`"
        )
    return getattr(built.lib, name)


def test_module_name(built):
    if built.module_name != "_color_cffi":
        pytest.fail(f"set_source() names the module {built.module_name!r}, expected '_color_cffi'")


@pytest.mark.parametrize("name", list(DECLARATIONS))
def test_declared_as_in_the_header(built, name):
    expected, prototype = DECLARATIONS[name]
    got = built.ffi.typeof(_function(built, name)).cname
    if got != expected:
        pytest.fail(
            f"ffi.typeof(lib.{name}).cname is {got!r}, expected {expected!r}: cdef() must declare the function "
            f"exactly as color.h does, `{prototype}` (the compiler converts between integer types silently, so it does not catch this)."
        )


def test_color_c_is_compiled_in(exercise, options):
    color_c = exercise.path("color.c")
    sources = _paths(options, "sources")
    if any(_same_file(p, color_c) for p in sources):
        return
    named = [p for p in sources if p.name == "color.c"]
    if named and not named[0].is_absolute():
        pytest.fail(
            f"sources= names {str(named[0])!r}, a relative path: cffi looks for it from the folder compile() "
            "builds in, not from your builder's folder. Build it from the builder's folder: "
            'sources=[str(HERE / "color.c")].'
        )
    if sources:
        pytest.fail(
            f"sources= is {[str(p) for p in sources]}, which does not name the color.c next to your "
            'builder. Use sources=[str(HERE / "color.c")].'
        )
    pytest.fail(
        "set_source() has no sources= list, so color.c is not compiled into the module (if lib's functions "
        "exist, their C code came from somewhere else, such as a copy in the set_source() string). Leave "
        'the C code in color.c and pass sources=[str(HERE / "color.c")] to set_source().'
    )


def test_include_dirs_name_the_header_folder(exercise, options):
    folders = _paths(options, "include_dirs")
    if not any(_same_file(p, exercise.dir) for p in folders):
        shown = f"include_dirs= is {[str(p) for p in folders]}" if folders else "set_source() has no include_dirs="
        pytest.fail(
            f"{shown}: it must name the folder that holds color.h, as an absolute path (include_dirs=[str(HERE)]). "
            'The compiler looks for #include "color.h" next to the C file cffi generates, which is in the build '
            "folder, not next to color.h; then in the include_dirs folders."
        )


def test_header_is_included(built):
    undeclared = [w for w in built.warnings if "implicit declaration" in w or "undeclared function" in w]
    if undeclared:
        pytest.fail(
            "the compiler warned that a function is not declared where cffi's glue calls it:\n"
            f"{undeclared[0]}\nThe glue comes right after the C code of set_source(): start that string with "
            '#include "color.h".'
        )


def test_pack(built):
    func = _function(built, "rgb_pack")
    for args, expected in PACK.items():
        got = func(*args)
        if got != expected:
            pytest.fail(f"lib.rgb_pack{args} returned {_hex(got)}, expected {_hex(expected)}")


def test_pack_saturates(built):
    func = _function(built, "rgb_pack")
    for args, expected in SATURATED.items():
        got = func(*args)
        if got == WRAPPED[args]:
            pytest.fail(
                f"lib.rgb_pack{args} returned {_hex(got)}, expected {_hex(expected)}: the components wrapped around "
                "instead of being clamped, so color.c was compiled without COLOR_SATURATE. Pass "
                'define_macros=[("COLOR_SATURATE", None)] to set_source(). A #define in the set_source() string '
                "does not help: it only reaches that string, and color.c is compiled as a file of its own."
            )
        if got != expected:
            pytest.fail(
                f"lib.rgb_pack{args} returned {_hex(got)}, expected {_hex(expected)} (components clamped "
                "into 0..255 by COLOR_SATURATE)"
            )


def test_gray(built):
    func = _function(built, "rgb_gray")
    for color, expected in GRAY.items():
        got = func(color)
        if got != expected:
            pytest.fail(
                f"lib.rgb_gray({_hex(color)}) returned {got!r}, expected {expected} "
                "(the weighted brightness color.c computes)"
            )


def test_mix(built):
    func = _function(built, "rgb_mix")
    for (a, b), expected in MIX.items():
        got = func(a, b)
        if got != expected:
            pytest.fail(f"lib.rgb_mix({_hex(a)}, {_hex(b)}) returned {_hex(got)}, expected {_hex(expected)}")
