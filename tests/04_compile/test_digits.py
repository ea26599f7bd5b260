"""Grader for 04_compile/digits: a ``build(outdir) -> path`` function around compile().

digits_build.py must define ``build(outdir)``, which compiles ``_digits_cffi``
into the folder ``outdir`` and returns the path of the module file. The grader
calls it once, from a fresh, empty current folder, with a fresh, empty
``outdir``, and checks: what came back (a path to the extension module,
directly in outdir), that the module imports from that path and works, that
the current folder is the same afterwards, and that nothing was written
anywhere else (not in the current folder, not next to the builder).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import shutil
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BUILDER = "digits_build.py"
MODULE = "_digits_cffi"
DIGIT_SUMS = {0: 0, 7: 7, 1234: 10, -987: 24, 2147483647: 46}


@dataclass
class Outcome:
    outdir: Path
    cwd: Path  # the current folder build() was called from
    returned: object = None
    error: str = ""  # what build() raised, if it raised
    cwd_after: str = ""
    stray: list[str] = field(default_factory=list)  # files written outside outdir


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def built(exercise):
    """The engine's build of the builder: C errors are reported at the learner's line."""
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def outcome(exercise, built):
    """Call the learner's build(outdir) once, from an empty current folder."""
    namespace = exercise.run_script(BUILDER)
    build = namespace.get("build")
    if not callable(build):
        pytest.fail(f"{BUILDER} has no function `build`: keep the `def build(outdir):` of the starter file.")
    root = Path(tempfile.mkdtemp(prefix="digits-"))
    try:
        outdir, cwd = root / "out", root / "cwd"
        outdir.mkdir()
        cwd.mkdir()
        before = _files(exercise.dir)
        result = Outcome(outdir=outdir, cwd=cwd)
        home = os.getcwd()
        os.chdir(cwd)
        try:
            result.returned = build(str(outdir))
        except NotImplementedError:
            result.error = "NotImplementedError: replace the TODO in build() with your code."
        except Exception as exc:
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(BUILDER)]
            where = f" ({BUILDER}, line {frames[-1].lineno})" if frames else ""
            result.error = f"{type(exc).__name__}: {exc}{where}"
        finally:
            result.cwd_after = os.getcwd()
            os.chdir(home)
        result.stray = sorted(f"the current folder: {name}" for name in _files(cwd))
        result.stray += sorted(f"the builder's folder: {name}" for name in _files(exercise.dir) - before)
        result.stray += sorted(f"{p}" for p in root.iterdir() if p.name not in ("out", "cwd"))
        yield result
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _returned_path(outcome) -> Path:
    """The path build() returned, or a failure saying what came back instead."""
    if outcome.error:
        pytest.fail(f"build(outdir) raised {outcome.error}")
    value = outcome.returned
    if value is None:
        pytest.fail(
            "build(outdir) returned None, expected the path of the module file it built. "
            "ffibuilder.compile() returns that path: return what it gives you."
        )
    if not isinstance(value, (str, os.PathLike)):
        pytest.fail(f"build(outdir) returned {value!r} ({type(value).__name__}), expected a path (a str or a Path)")
    return Path(os.fspath(value))


def test_module_name(built):
    if built.module_name != MODULE:
        pytest.fail(f"set_source() names the module {built.module_name!r}, expected {MODULE!r}")


def test_build_returns_the_module_path(outcome):
    path = _returned_path(outcome)
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    if not path.is_absolute():
        path = outcome.cwd / path
    if not path.is_file():
        pytest.fail(
            f"build(outdir) returned {str(path)!r}, which is not a file: return the path of the module file "
            "that compile() built (compile() returns it)."
        )
    if path.suffix in (".c", ".o", ".obj"):
        pytest.fail(
            f"build(outdir) returned {str(path)!r}, the {'generated C source' if path.suffix == '.c' else 'object file'}"
            f". Python cannot import that: return the path of the extension module itself (its name ends with "
            f"{suffixes[0]!r} here), which is what compile() returns."
        )
    if not (path.name.startswith(MODULE + ".") and any(path.name.endswith(s) for s in suffixes)):
        pytest.fail(
            f"build(outdir) returned {str(path)!r}, expected the path of the module file "
            f"{MODULE}{suffixes[0]} (what compile() returns)"
        )


def test_module_is_built_in_outdir(outcome):
    path = _returned_path(outcome)
    if not path.is_absolute():
        path = outcome.cwd / path
    folder = path.resolve().parent
    if folder == outcome.cwd.resolve():
        pytest.fail(
            f"build(outdir) built the module in the current folder ({str(path)!r}), not in outdir "
            f"({str(outcome.outdir)!r}). compile() builds into its tmpdir= argument, and tmpdir defaults to the "
            "current folder (not your script's): pass tmpdir=outdir."
        )
    if folder != outcome.outdir.resolve():
        pytest.fail(
            f"build(outdir) built the module at {str(path)!r}, expected it directly in outdir, "
            f"{str(outcome.outdir)!r}: pass outdir itself as compile()'s tmpdir="
        )


def test_current_folder_is_unchanged(outcome):
    if Path(outcome.cwd_after).resolve() != outcome.cwd.resolve():
        pytest.fail(
            f"build(outdir) was called with the current folder {str(outcome.cwd)!r} and left it at "
            f"{outcome.cwd_after!r}. Code that calls build() still expects its own current folder. compile() "
            "changes into tmpdir while it builds and changes back by itself: no os.chdir() is needed."
        )


def test_nothing_written_elsewhere(outcome):
    if outcome.error:
        pytest.fail(f"build(outdir) raised {outcome.error}")
    if outcome.stray:
        shown = ", ".join(outcome.stray[:6]) + (" ..." if len(outcome.stray) > 6 else "")
        pytest.fail(
            f"build(outdir) wrote files outside outdir: {shown}. Everything compile() writes (.c, .o and the "
            "module) goes into its tmpdir, which defaults to the current folder: pass tmpdir=outdir."
        )


def test_built_module_works(outcome):
    path = _returned_path(outcome)
    if not path.is_absolute():
        path = outcome.cwd / path
    if not path.is_file() or path.suffix in (".c", ".o", ".obj"):
        pytest.fail(f"build(outdir) returned {str(path)!r}, which is not a module file (see the check above)")
    spec = importlib.util.spec_from_file_location(MODULE, path)
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except Exception as exc:
        pytest.fail(f"importing the file build(outdir) returned, {str(path)!r}, failed: {type(exc).__name__}: {exc}")
    digit_sum = getattr(getattr(module, "lib", None), "digit_sum", None)
    if digit_sum is None:
        pytest.fail(f"the module at {str(path)!r} has no lib.digit_sum: it is not the _digits_cffi this builder makes")
    for n, expected in DIGIT_SUMS.items():
        got = digit_sum(n)
        if got != expected:
            pytest.fail(f"lib.digit_sum({n}) from the module build() returned gave {got!r}, expected {expected}")
