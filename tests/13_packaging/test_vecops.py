"""Grader for 13_packaging/vecops: a CFFI package that builds into a working wheel.

The project vecops/ (pyproject.toml, setup.py, src/vecops/) must build, with
setuptools' own PEP 517 backend and no network, into a wheel that holds the
compiled module inside the package (vecops/_native.*, so set_source() gets the
dotted name) and none of the build's leftovers, whose metadata requires cffi
everywhere except on PyPy, and from which ``import vecops`` works in a fresh
interpreter that sees only the unpacked wheel. pyproject.toml's
[build-system] must list cffi (a real build runs in a fresh environment that
has only what it lists), and building must not write into the project's own
files (a builder that compiles when it is merely run, outside its main block).

The wheel is built once, from a copy of the learner's folder, in a child
process: the checks look at what that build did.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PROJECT = "vecops"
PACKAGE = "vecops"
MODULE = "_native"  # __init__.py does `from ._native import lib`
BUILD_TIMEOUT = 50  # seconds for the wheel build (one compile)
RUN_TIMEOUT = 20

BUILD = r"""
import sys
from setuptools import build_meta
print("@@wheel@@" + build_meta.build_wheel(sys.argv[1]))
"""

PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
out = {}
try:
    import vecops
    import vecops._native as native
    out["file"] = native.__file__
    out["dot"] = vecops.dot([1.0, 2.0, 3.0], [4.0, -5.0, 6.5])
    out["dot_long"] = vecops.dot(list(range(1000)), [0.5] * 1000)
except BaseException as exc:
    out["error"] = f"{type(exc).__name__}: {exc}"
print("@@probe@@" + json.dumps(out))
"""

NOISE = re.compile(
    r"^(copying|adding|creating|writing|running|reading|removing|installing|"
    r"Copying|Creating|warning: build_py)\b"
)


@dataclass
class Build:
    project: Path  # the copy that was built
    returncode: int | None  # None: it did not finish in time
    output: str
    wheel: Path | None
    names: list[str] = field(default_factory=list)  # the files inside the wheel
    written: list[str] = field(default_factory=list)  # project files the build added outside build/ and *.egg-info


def _meaningful(output: str, lines: int = 10) -> str:
    """The lines of a build's output that say what went wrong, without setuptools' chatter."""
    kept = [ln.rstrip() for ln in output.splitlines() if ln.strip() and not NOISE.match(ln.strip())]
    kept = [ln for ln in kept if "Command '[" not in ln]  # the compiler's whole command line: noise here
    errors = [ln for ln in kept if re.search(r"error|Error|warning: no files|Unknown distribution", ln)]
    chosen = errors[-lines:] if errors else kept[-lines:]
    return "\n".join("    " + ln.strip()[:300] for ln in chosen)


def _project_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def workspace():
    root = Path(tempfile.mkdtemp(prefix="vecops-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def build(exercise, workspace) -> Build:
    """Build a wheel from a copy of the learner's project (building writes build/ and *.egg-info)."""
    project, dist = workspace / PROJECT, workspace / "dist"
    shutil.copytree(exercise.path(PROJECT), project)
    dist.mkdir()
    before = _project_files(project)
    env = dict(os.environ, PIP_NO_INDEX="1")  # nothing is installed: no network needed, none used
    try:
        proc = subprocess.run(
            [sys.executable, "-c", BUILD, str(dist)],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Build(project, None, "", None)
    output = proc.stdout + proc.stderr
    found = [ln[len("@@wheel@@") :].strip() for ln in proc.stdout.splitlines() if ln.startswith("@@wheel@@")]
    wheel = dist / found[-1] if proc.returncode == 0 and found else None
    names = zipfile.ZipFile(wheel).namelist() if wheel is not None and wheel.is_file() else []
    written = sorted(
        name
        for name in _project_files(project) - before
        if not name.startswith("build/") and ".egg-info/" not in name and "__pycache__" not in name
    )
    return Build(project, proc.returncode, output, wheel, names, written)


@pytest.fixture(scope="module")
def unpacked(build, workspace) -> Path | None:
    if build.wheel is None:
        return None
    target = workspace / "unpacked"
    zipfile.ZipFile(build.wheel).extractall(target)
    return target


def _require_wheel(build: Build) -> None:
    """Fail with the build's own words when there is no wheel to look at."""
    command = "Building a wheel of vecops/ (setuptools' build_meta.build_wheel, from the project folder)"
    if build.returncode is None:
        pytest.fail(f"{command} was still running after {BUILD_TIMEOUT} s.")
    if build.wheel is not None:
        return
    output = build.output
    advice = ""
    if "does not name an existing file" in output:
        advice = (
            "cffi_modules names a file that is not there: its path is relative to the folder of setup.py, "
            'so the builder is "src/vecops/_build.py".'
        )
    elif "not found in module" in output:
        advice = (
            "The part after the colon in cffi_modules names the FFI object in the builder: the global "
            "variable that holds FFI() (or a function that returns it)."
        )
    elif "absolute path" in output:
        advice = (
            "setuptools refuses absolute paths in a build: compute paths from Path(__file__).parent, "
            "without .resolve(), so that they stay relative to the project folder."
        )
    elif "must be of the form" in output:
        advice = 'Each item of cffi_modules is one string "path/to/builder.py:name_of_the_ffi_object".'
    pytest.fail(
        f"{command} failed (exit {build.returncode}). The build says:\n{_meaningful(output)}"
        + (f"\n{advice}" if advice else "")
    )


def _extensions(names: list[str]) -> list[str]:
    """Compiled modules in a wheel: files ending .so or .pyd."""
    return [n for n in names if n.endswith((".so", ".pyd"))]


def _requirement_class():
    try:
        from packaging.requirements import Requirement
    except ImportError:
        try:
            import setuptools  # noqa: F401  (setuptools 71+ puts the packaging it vendors on sys.path)
            from packaging.requirements import Requirement
        except ImportError:
            from setuptools.extern.packaging.requirements import Requirement  # setuptools 61 to 70
    return Requirement


def _environment(implementation: str, name: str, version: str, system: str, **more: str) -> dict:
    """Every PEP 508 marker variable, as one Python on one system has them."""
    platforms = {
        "Linux": ("linux", "posix", "x86_64"),
        "Windows": ("win32", "nt", "AMD64"),
        "Darwin": ("darwin", "posix", "arm64"),
    }
    sys_platform, os_name, machine = platforms[system]
    return {
        "implementation_name": name,
        "implementation_version": version,
        "platform_python_implementation": implementation,
        "python_version": ".".join(version.split(".")[:2]),
        "python_full_version": version,
        "sys_platform": sys_platform,
        "os_name": os_name,
        "platform_system": system,
        "platform_machine": machine,
        "platform_release": "",
        "platform_version": "",
        "extra": "",
        **more,
    }


# Pythons a requirement's condition is evaluated for (not only the one grading): cffi is needed on each
# of these but PyPy, which has it built in. Free-threaded and debug CPython have the same marker values as
# CPython (no marker tells them apart yet); they are here so that the message can name them too.
NEEDS_CFFI = {
    "CPython 3.9 on Linux": _environment("CPython", "cpython", "3.9.20", "Linux"),
    "CPython 3.13 on Windows": _environment("CPython", "cpython", "3.13.1", "Windows"),
    "CPython 3.12 on macOS": _environment("CPython", "cpython", "3.12.8", "Darwin"),
    "free-threaded CPython 3.14t": _environment("CPython", "cpython", "3.14.0", "Linux"),
    "a debug build of CPython 3.13": _environment("CPython", "cpython", "3.13.1", "Linux"),
    "GraalPy (another implementation; it installs cffi from PyPI)": _environment(
        "GraalVM", "graalpy", "3.11.7", "Linux", implementation_version="24.1.1"
    ),
}
NO_CFFI = {
    "PyPy on Linux": _environment("PyPy", "pypy", "3.10.14", "Linux", implementation_version="7.3.17"),
    "PyPy on Windows": _environment("PyPy", "pypy", "3.10.14", "Windows", implementation_version="7.3.17"),
}


def _cffi_requirements(lines: list[str]):
    """(text, requirement) for each requirement on cffi among lines (PEP 508 strings)."""
    requirement = _requirement_class()
    found = []
    for text in lines:
        try:
            req = requirement(text)
        except Exception:
            continue
        if req.name.lower().replace("_", "-") == "cffi":
            found.append((text, req))
    return found


def _applies(req, environment: dict) -> bool:
    return req.marker is None or req.marker.evaluate(environment)


def test_wheel_builds(build):
    _require_wheel(build)


def test_wheel_holds_the_compiled_module_in_the_package(build):
    _require_wheel(build)
    modules = _extensions(build.names)
    wanted = [n for n in modules if n.startswith(f"{PACKAGE}/{MODULE}.")]
    if wanted:
        return
    wheel = build.wheel.name
    if not modules:
        pytest.fail(
            f"The wheel {wheel} holds no compiled module, only {', '.join(n for n in build.names if '.dist-info' not in n)}"
            ": setuptools never ran your builder. setup() in setup.py needs cffi_modules=[...], naming the builder "
            "script and its FFI object."
        )
    where = modules[0]
    if "/" not in where:
        pytest.fail(
            f"The wheel {wheel} holds the compiled module as {where}, at the top of the wheel, outside the package: "
            f"set_source() gave it a top-level name, so `from ._native import lib` in vecops/__init__.py cannot find "
            f'it. Give set_source() the dotted name "{PACKAGE}.{MODULE}": package, dot, module.'
        )
    pytest.fail(
        f"The wheel {wheel} holds the compiled module as {where}; expected {PACKAGE}/{MODULE}.<suffix>, "
        f'the name vecops/__init__.py imports: set_source("{PACKAGE}.{MODULE}", ...).'
    )


def test_wheel_has_no_build_leftovers(build):
    _require_wheel(build)
    leftovers = [
        n
        for n in build.names
        if n.endswith((".o", ".obj"))
        or n.startswith(("build/", "src/"))
        or ".egg-info/" in n
        or re.search(r"(^|/)(vecops\.)?_native\.c$", n)
    ]
    if leftovers:
        pytest.fail(
            f"The wheel {build.wheel.name} holds files of the build itself: {', '.join(leftovers[:5])}. "
            "A wheel needs the compiled module and the package's Python files; the generated C file and the object "
            "files stay in build/."
        )


def test_building_leaves_your_files_alone(build):
    _require_wheel(build)
    if build.written:
        shown = ", ".join(build.written[:5])
        pytest.fail(
            f"Building the wheel wrote {shown} into the project folder, outside build/. setuptools runs the builder "
            "to get its FFI object, and your builder compiled right then, into the current folder: keep "
            'ffibuilder.compile() under `if __name__ == "__main__":`, and let setuptools do the compiling.'
        )


def test_runtime_dependency_on_cffi(build):
    _require_wheel(build)
    meta = next((n for n in build.names if n.endswith(".dist-info/METADATA")), None)
    if meta is None:
        pytest.fail(f"The wheel {build.wheel.name} has no .dist-info/METADATA file (a fault of the build).")
    text = zipfile.ZipFile(build.wheel).read(meta).decode("utf-8", "replace")
    requires = [ln.split(":", 1)[1].strip() for ln in text.splitlines() if ln.startswith("Requires-Dist:")]
    found = _cffi_requirements(requires)
    shown = "; ".join(requires) or "nothing"
    if not found:
        pytest.fail(
            f"The wheel's metadata requires {shown}, not cffi. The compiled module imports _cffi_backend, which "
            "comes with cffi: on a machine without it, `import vecops` fails with ModuleNotFoundError: No module "
            "named '_cffi_backend'. Declare cffi in [project] dependencies in pyproject.toml."
        )
    for where, environment in NEEDS_CFFI.items():
        if not any(_applies(req, environment) for _, req in found):
            pytest.fail(
                f"The wheel requires {'; '.join(t for t, _ in found)}, whose condition leaves cffi out on {where}, "
                "where the compiled module needs it. The condition should exclude PyPy only: "
                "`; platform_python_implementation != 'PyPy'`."
            )
    if any(_applies(req, environment) for _, req in found for environment in NO_CFFI.values()):
        pytest.fail(
            f"The wheel requires {'; '.join(t for t, _ in found)} on PyPy too. PyPy has cffi built in, in the "
            "version that matches it, and pip cannot install another one there: add the condition "
            "`; platform_python_implementation != 'PyPy'` to the requirement."
        )


def _pyproject(project: Path) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    return tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))


def test_build_requires_cffi(exercise):
    try:
        data = _pyproject(exercise.path(PROJECT))
    except Exception as exc:
        pytest.fail(f"vecops/pyproject.toml cannot be read as TOML: {exc}")
    requires = data.get("build-system", {}).get("requires", [])
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        pytest.fail(f"[build-system] requires in vecops/pyproject.toml is {requires!r}: it must be a list of strings")
    found = _cffi_requirements(requires)
    left_out = [
        where for where, environment in NEEDS_CFFI.items() if not any(_applies(req, environment) for _, req in found)
    ]
    if found and left_out:
        pytest.fail(
            f"[build-system] requires in vecops/pyproject.toml is {requires!r}: its condition on cffi leaves cffi "
            f"out on {left_out[0]}, where a build needs it (the builder imports cffi). The condition should "
            "exclude PyPy only: `; platform_python_implementation != 'PyPy'`."
        )
    if not found:
        pytest.fail(
            f"[build-system] requires in vecops/pyproject.toml is {requires!r}, without cffi. pip and build make "
            "a fresh environment for each build with only what this list names; without cffi there, setuptools "
            "prints \"Unknown distribution option: 'cffi_modules'\" and makes a wheel with no compiled module. "
            "Add cffi to the list."
        )


@pytest.fixture(scope="module")
def probe(build, unpacked, workspace) -> dict:
    """`import vecops` in a fresh interpreter (-I: no PYTHONPATH) that sees the unpacked wheel."""
    if unpacked is None:
        return {"unavailable": True}
    here = workspace / "elsewhere"
    here.mkdir(exist_ok=True)
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", PROBE, str(unpacked)],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"it was still running after {RUN_TIMEOUT} s"}
    found = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@probe@@")]
    if not found:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-6:])
        return {"error": f"the process ended (exit {proc.returncode}):\n{tail}"}
    result = json.loads(found[-1][len("@@probe@@") :])
    result["root"] = str(unpacked)
    return result


def test_package_imports_from_the_wheel(build, probe):
    _require_wheel(build)
    if "error" in probe:
        pytest.fail(
            f"`import vecops`, in a fresh Python that sees only the unpacked wheel, failed: {probe['error']}. "
            "The wheel must hold the compiled module vecops/_native next to vecops/__init__.py."
        )
    if not str(Path(probe["file"]).resolve()).startswith(str(Path(probe["root"]).resolve())):
        pytest.fail(f"`import vecops._native` found {probe['file']}, not the module inside the wheel.")
    for key, expected, call in (
        ("dot", 13.5, "vecops.dot([1.0, 2.0, 3.0], [4.0, -5.0, 6.5])"),
        ("dot_long", 249750.0, "vecops.dot(list(range(1000)), [0.5] * 1000)"),
    ):
        if probe[key] != expected:
            pytest.fail(f"{call}, imported from the wheel, returned {probe[key]!r}; expected {expected!r}.")
