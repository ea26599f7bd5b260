"""Grader for 05_abi_api/convert: an out-of-line ABI module, loading a library given at run time.

convert_build.py must generate ``_convert_abi`` as a pure-Python module
(set_source(name, None): its file ends in .py, it has an ``ffi`` and no
``lib``) declaring convert.c's three functions with their exact types. The
grader builds convert.c into a plain shared library (in the cache) and gives
its path to convert.load(path), which must open it with the ffi of
``_convert_abi``: no cffi.FFI() and no C parsing at run time (checked in a
fresh interpreter: importing convert and loading the library never imports
pycparser, cffi's C parser).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.testing import set_source_args

BUILDER = "convert_build.py"
MODULE = "_convert_abi"
EXPORTS = ["c_to_f", "km_to_miles", "inches_to_mm"]
SIGNATURES = {
    "c_to_f": "double(*)(double)",
    "km_to_miles": "double(*)(double)",
    "inches_to_mm": "int(*)(int)",
}
SOURCE = {
    "c_to_f": "double c_to_f(double celsius);",
    "km_to_miles": "double km_to_miles(double km);",
    "inches_to_mm": "int inches_to_mm(int inches);",
}
VALUES = {
    "c_to_f": {100.0: 212.0, -40.0: -40.0, 37.5: 99.5},
    "km_to_miles": {1.609344: 1.0, 42.195: 42.195 / 1.609344},
    "inches_to_mm": {1: 25, 10: 254, -3: -76},  # C's int division rounds toward zero: -7.62 cm is -76 mm
}


@pytest.fixture(scope="module")
def builder(exercise):
    """The learner's FFI object, from running convert_build.py (without its main block)."""
    return exercise.builder_ffi(BUILDER)


def _built(exercise, builder):
    """The generated module, built by the engine; a failed check first if set_source() asks for API mode.
    (The engine would compile C source, and then report cdef's functions as undefined symbols: true, but
    beside the point of this exercise.)"""
    assigned = set_source_args(builder)
    if assigned is None:
        pytest.fail(
            f"convert_build.py never calls ffibuilder.set_source(): it names the module to generate, "
            f"{MODULE!r}, and says which mode: None for ABI mode."
        )
    source = assigned.source
    if source is not None:
        shown = repr(source) if len(repr(source)) <= 60 else repr(source)[:57] + "..."
        pytest.fail(
            f"set_source() is given C source ({shown}), so compile() would run the C compiler and build an "
            "extension module: API mode. For out-of-line ABI mode, give set_source() None instead of C source: "
            f"compile() then writes {MODULE}.py, a pure-Python module that imports with no compiler."
        )
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def library(exercise, tmp_path_factory):
    """The path of the built convert library, in a fresh folder, under its conventional name."""
    path = exercise.shared_library("convert", ["convert.c"], exports=EXPORTS)
    target = tmp_path_factory.mktemp("vendor") / path.name  # libconvert.so, libconvert.dylib or convert.dll
    shutil.copy2(path, target)
    return target


def _convert(exercise, builder):
    _built(exercise, builder)  # puts the generated module where convert.py's import finds it
    return exercise.import_module("convert")


def _is_pure_python(built) -> bool:
    return str(getattr(built.module, "__file__", "")).endswith(".py")


# --- build time: convert_build.py ---------------------------------------------------------


def test_module_name(builder):
    assigned = set_source_args(builder)
    name = assigned.module_name if assigned else None
    if name != MODULE:
        pytest.fail(f"set_source() names the module {name!r}, expected {MODULE!r} (convert.py imports that name)")


def test_generated_module_is_pure_python(exercise, builder):
    built = _built(exercise, builder)
    if not _is_pure_python(built):
        name = Path(str(getattr(built.module, "__file__", "?"))).name
        pytest.fail(
            f"compile() built {name}, a compiled extension module: set_source() was given C source, so cffi ran "
            "the C compiler (API mode). For out-of-line ABI mode, give set_source() None instead of C source: "
            f"compile() then writes {MODULE}.py, which imports with no compiler."
        )
    if not hasattr(built.module, "ffi"):
        pytest.fail(f"the generated {MODULE}.py has no `ffi`.")
    if hasattr(built.module, "lib"):
        pytest.fail(
            f"the generated {MODULE} has a `lib`: an out-of-line ABI module has only `ffi`, and the "
            "library comes from ffi.dlopen(path) at run time."
        )


@pytest.mark.parametrize("name", list(SIGNATURES))
def test_declared_as_convert_c_says(exercise, builder, library, name):
    built = _built(exercise, builder)
    lib = built.ffi.dlopen(str(library))
    try:
        func = getattr(lib, name)
    except AttributeError:
        pytest.fail(
            f"{MODULE} does not declare `{name}`: a library opened with its ffi only has what "
            f"ffibuilder.cdef() declares. Declare `{SOURCE[name]}` in cdef(), as convert.c defines it."
        )
    got = built.ffi.typeof(func).cname
    if got != SIGNATURES[name]:
        pytest.fail(
            f"ffi.typeof(lib.{name}) is {got!r}, expected {SIGNATURES[name]!r}: convert.c defines "
            f"`{SOURCE[name][:-1]}`. In ABI mode nothing compares your cdef() with the library: a wrong type is "
            "not an error, just wrong answers."
        )


# --- run time: convert.py -----------------------------------------------------------------


def _load(convert, library):
    """(call, convert.load(library)), or a failed check saying what went wrong. (Called in each test,
    not as a fixture: a load() that does not work yet is then a failed check, not an error.)"""
    load = getattr(convert, "load", None)
    if not callable(load):
        pytest.fail("convert.py has no function `load`: keep the `def load(path):` of the starter file.")
    call = f"convert.load(Path({str(library)!r}))"
    try:
        lib = load(library)
    except NotImplementedError:
        pytest.fail("convert.load(path) raised NotImplementedError: replace the TODO in load() with your code.")
    except TypeError as exc:
        pytest.fail(f"{call} raised TypeError: {exc}. ffi.dlopen() takes the path as a str: str(path).")
    except OSError as exc:
        pytest.fail(
            f"{call} raised OSError: {exc}\nThe out-of-line ffi.dlopen() passes its argument unchanged to "
            "the system, which looks for a bare file name in the system's library folders, not in the "
            "folder of `path`: give it the full path load() was given, as a str."
        )
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")
    if lib is None:
        pytest.fail(f"{call} returned None: return the library object that ffi.dlopen() gives.")
    return call, lib


def test_load_uses_the_generated_ffi(exercise, builder, library):
    import cffi

    convert = _convert(exercise, builder)
    call, lib = _load(convert, library)
    if type(lib).__module__.startswith("cffi"):
        pytest.fail(
            f"{call} returned a library opened by a cffi.FFI() made at run time (in-line ABI mode), "
            f"which parses its cdef() at every start. Open it with the ffi of {MODULE}: "
            f"`from {MODULE} import ffi`."
        )
    inline = [name for name, value in vars(convert).items() if isinstance(value, cffi.FFI)]
    if inline:
        pytest.fail(
            f"convert.py holds a cffi.FFI() object ({', '.join(inline)}): at run time, use the ffi of the "
            f"generated module, `from {MODULE} import ffi`, whose declarations were parsed at build time."
        )


@pytest.mark.parametrize("name", list(SIGNATURES))
def test_load_gives_working_functions(exercise, builder, library, name):
    import cffi

    convert = _convert(exercise, builder)
    call, lib = _load(convert, library)
    try:
        func = getattr(lib, name)
    except AttributeError:
        pytest.fail(f"{call} returned a library without `{name}`: declare it in convert_build.py's cdef().")
    if not isinstance(func, cffi.FFI().CData):
        pytest.fail(
            f"lib.{name} is a {type(func).__name__}, not a C function pointer from ffi.dlopen(): load() "
            "opens the library file it is given, in ABI mode."
        )
    for arg, expected in VALUES[name].items():
        got = func(arg)
        if got != pytest.approx(expected):
            pytest.fail(
                f"{call}.{name}({arg!r}) returned {got!r}, expected {expected!r}. The library computes it "
                "right: check that name's declaration in cdef() against convert.c."
            )


def test_run_time_parses_no_c(exercise, builder, library):
    """In a fresh interpreter: import convert, load the library, see what got imported."""
    built = _built(exercise, builder)
    convert = _convert(exercise, builder)
    _load(convert, library)
    code = (
        "import json, sys\n"
        f"sys.path[:0] = [{str(exercise.dir)!r}, {str(built.directory)!r}]\n"
        "import convert\n"
        f"convert.load({str(library)!r})\n"
        "print(json.dumps(sorted(m for m in ('pycparser', 'convert_build') if m in sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=str(library.parent), check=False
    )
    if proc.returncode != 0:
        pytest.fail(f"importing convert.py and calling load() in a fresh Python failed:\n{proc.stderr[-1500:]}")
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    if "convert_build" in found:
        pytest.fail(
            "importing convert.py imported convert_build.py, the build-time script. At run time, import "
            f"only the generated module: `from {MODULE} import ffi`."
        )
    if "pycparser" in found:
        pytest.fail(
            "importing convert.py and calling load() parsed C declarations (cffi's C parser, pycparser, "
            f"was imported): something made a cffi.FFI() at run time, which loads the parser. The point of "
            f"{MODULE} is that its declarations were parsed at build time: use its ffi."
        )
