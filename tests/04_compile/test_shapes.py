"""Grader for 04_compile/shapes: a compiled module inside a package.

shapes_build.py must name its module ``shapes._shapes_cffi`` (a dotted name:
compile() then builds it into ``tmpdir/shapes/``), and its main block must
build it into the shapes/ folder next to the script whatever the current
folder is (tmpdir computed from ``__file__``: the folder that *holds* the
package). shapes/__init__.py must import the compiled module (relatively or
by its full name) so that ``import shapes`` works as a program would use it.

Three ways of looking: the engine's own build (errors at the learner's line,
the module name); the learner's main block run as ``python shapes_build.py``
on a copy, from another folder; and the package imported in a fresh
interpreter, with the engine's build of the module copied next to the
learner's __init__.py (so this check does not depend on the main block).
"""

from __future__ import annotations

import importlib.machinery
import json
import math
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

BUILDER = "shapes_build.py"
PACKAGE = "shapes"
MODULE = "shapes._shapes_cffi"
LEAF = "_shapes_cffi"
RUN_TIMEOUT = 25  # seconds for `python shapes_build.py` (one compile)
EXPECTED = {"circle_area": 4 * math.pi, "ring_area": 8 * math.pi}  # circle_area(2.0), ring_area(3.0, 1.0)

PROBE = r"""
import json, sys, traceback
sys.path.insert(0, sys.argv[1])
out = {}
try:
    import shapes
except BaseException as exc:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith("__init__.py")]
    where = f" (shapes/__init__.py, line {frames[-1].lineno})" if frames else ""
    out["import_error"] = f"{type(exc).__name__}: {exc}{where}"
else:
    module = sys.modules.get("shapes._shapes_cffi")
    out["loaded"] = module is not None
    out["lib"] = repr(getattr(shapes, "lib", "(no attribute lib)"))
    results = {}
    for name, args in (("circle_area", (2.0,)), ("ring_area", (3.0, 1.0))):
        try:
            results[name] = getattr(shapes, name)(*args)
        except BaseException as exc:
            results[name] = f"raised {type(exc).__name__}: {exc}"
    out["results"] = results
print("@@probe@@" + json.dumps(out))
"""


def _module_files(folder: Path) -> list[Path]:
    """Extension modules named _shapes_cffi anywhere under folder."""
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    return sorted(p for p in folder.rglob(LEAF + ".*") if p.is_file() and any(p.name.endswith(s) for s in suffixes))


def _tail(text: str, lines: int = 12) -> str:
    kept = [ln for ln in text.splitlines() if ln.strip()]
    return "\n".join(kept[-lines:])


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def workspace():
    root = Path(tempfile.mkdtemp(prefix="shapes-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@dataclass
class MainRun:
    project: Path  # a copy of the learner's folder: shapes_build.py and shapes/
    elsewhere: Path  # the current folder the script was started from
    returncode: int | None
    output: str


@pytest.fixture(scope="module")
def main_run(exercise, built, workspace):
    """`python shapes_build.py`, run on a copy of the learner's files, from another folder."""
    project, elsewhere = workspace / "project", workspace / "elsewhere"
    shutil.copytree(exercise.dir, project)
    elsewhere.mkdir()
    try:
        proc = subprocess.run(
            [sys.executable, str(project / BUILDER)],
            cwd=elsewhere,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return MainRun(project, elsewhere, None, "")
    return MainRun(project, elsewhere, proc.returncode, proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def probe(exercise, built, workspace):
    """Import the learner's package in a fresh interpreter, with the engine's build of the module in it."""
    if built.module_name != MODULE:
        return {
            "unavailable": f"`import shapes` was not tried: the package needs its compiled module named "
            f"{MODULE!r}, and set_source() names it {built.module_name!r} (see "
            "test_module_name_is_dotted)"
        }
    root = workspace / "package"
    shutil.copytree(exercise.path(PACKAGE), root / PACKAGE)
    for stale in _module_files(root):  # only the module built from the learner's current builder
        stale.unlink()
    built_files = _module_files(built.directory / PACKAGE)
    if not built_files:
        return {
            "unavailable": f"the engine's build has no {LEAF} module in {PACKAGE}/ (a fault of the course: "
            "please report it)"
        }
    shutil.copy2(built_files[0], root / PACKAGE / built_files[0].name)
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(root)],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    found = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@probe@@")]
    if not found:
        return {
            "unavailable": f"`import shapes` in a fresh Python ended the process (exit {proc.returncode}):\n"
            + _tail(proc.stdout + proc.stderr)
        }
    return json.loads(found[-1][len("@@probe@@") :])


def test_module_name_is_dotted(built):
    name = built.module_name
    if name == MODULE:
        return
    if "." not in name:
        pytest.fail(
            f"set_source() names the module {name!r}, a top-level module: it is built next to the package, not "
            f"in it, and `import shapes` cannot find it there. Give the dotted name {MODULE!r}: package, dot, module."
        )
    pytest.fail(
        f"set_source() names the module {name!r}, expected {MODULE!r} (the module {LEAF} in the package {PACKAGE})"
    )


def test_c_functions(built):
    for name, args in (("circle_area", (2.0,)), ("ring_area", (3.0, 1.0))):
        func = getattr(built.lib, name, None)
        if func is None:
            pytest.fail(f"the compiled module has no function `{name}`: keep its declaration in cdef()")
        got = func(*args)
        if not math.isclose(got, EXPECTED[name], rel_tol=1e-12):
            pytest.fail(f"lib.{name}{args} returned {got!r}, expected {EXPECTED[name]!r}")


def test_running_the_builder_builds_into_the_package(main_run):
    run = main_run
    command = "`python shapes_build.py`, started from another folder,"
    if run.returncode is None:
        pytest.fail(f"{command} was still running after {RUN_TIMEOUT} s")
    if run.returncode != 0:
        pytest.fail(f"{command} failed (exit {run.returncode}):\n{_tail(run.output)}")
    wanted = run.project / PACKAGE
    if any(p.parent == wanted for p in _module_files(run.project)):
        return
    stray = _module_files(run.elsewhere)
    if stray:
        where = stray[0].relative_to(run.elsewhere).as_posix()
        pytest.fail(
            f"{command} built the module into that folder ({where} there), not next to the script. compile()'s "
            "tmpdir defaults to the current folder, wherever Python was started: pass the script's own folder, "
            "tmpdir=str(HERE), where HERE = Path(__file__).parent."
        )
    inside = _module_files(run.project)
    if inside:
        where = inside[0].relative_to(run.project).as_posix()
        if inside[0].parent == wanted / PACKAGE:
            pytest.fail(
                f"{command} built the module as {where}: one shapes/ too many. compile() adds the package "
                f"folder of the dotted name {MODULE!r} itself, so tmpdir must be the folder that holds shapes/, "
                'the script\'s own folder (HERE), not HERE / "shapes".'
            )
        if inside[0].parent == run.project:
            pytest.fail(
                f"{command} built the module as {where}, outside the package: name it {MODULE!r} in "
                "set_source(), and compile() puts it in shapes/"
            )
        pytest.fail(
            f"{command} built the module as {where}, expected shapes/{inside[0].name}: tmpdir must be "
            "the folder that holds the package (HERE), and the module name shapes._shapes_cffi"
        )
    pytest.fail(f"{command} ran, but built no {LEAF} module anywhere. Its output ends with:\n{_tail(run.output)}")


def test_running_the_builder_writes_nothing_in_the_current_folder(main_run):
    run = main_run
    if run.returncode != 0:
        pytest.fail("`python shapes_build.py` did not run through (see the check above)")
    written = sorted(p.relative_to(run.elsewhere).as_posix() for p in run.elsewhere.rglob("*") if p.is_file())
    if written:
        pytest.fail(
            f"`python shapes_build.py`, started from another folder, wrote {', '.join(written[:5])} into that "
            "folder. compile() writes the .c, .o and module files into tmpdir, whose default is the current "
            "folder: give it the script's own folder (HERE)."
        )


def test_package_imports_its_module(probe):
    if "unavailable" in probe:
        pytest.fail(probe["unavailable"])
    if "import_error" in probe:
        pytest.fail(
            f"`import shapes` failed with {probe['import_error']}. The compiled module is inside the package: "
            f"import it relative to the package, `from .{LEAF} import lib`, or by its full name, "
            f"`from {MODULE} import lib` (a plain `from {LEAF} import lib` looks for a top-level module)."
        )
    if not probe.get("loaded"):
        pytest.fail(
            f"after `import shapes`, the compiled module {MODULE} is not loaded (shapes.lib is {probe.get('lib')}): "
            "shapes/__init__.py does not import it. Replace the placeholder with an import of lib from it."
        )


@pytest.mark.parametrize("name", list(EXPECTED))
def test_package_functions(probe, name):
    if "unavailable" in probe:
        pytest.fail(probe["unavailable"])
    if "import_error" in probe:
        pytest.fail(f"`import shapes` failed with {probe['import_error']} (see test_package_imports_its_module)")
    args = "(2.0)" if name == "circle_area" else "(3.0, 1.0)"
    got = probe["results"][name]
    if isinstance(got, str):
        pytest.fail(f"shapes.{name}{args} {got}: the package's functions call lib from the compiled module")
    if not math.isclose(got, EXPECTED[name], rel_tol=1e-12):
        pytest.fail(f"shapes.{name}{args} returned {got!r}, expected {EXPECTED[name]!r}")
