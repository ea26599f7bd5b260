"""Grader for 13_packaging/palette: a complete sdist, and a wheel for CPython's stable ABI.

Two builds, each from a fresh copy of the learner's palette/ folder, with
setuptools' own PEP 517 backend and no network:

* a wheel built from the project folder. On CPython it must be tagged for the
  stable ABI (cp3X-abi3, where 3.X is not newer than the oldest Python that
  requires-python allows, nor than the Python grading it), because cffi
  compiles its module for the limited API there; on PyPy and on free-threaded
  or debug CPython, which have no stable ABI cffi uses, a wheel for this Python
  is right. ``import palette`` must work from it, unpacked, in a fresh
  interpreter;
* a source distribution (build_meta.build_sdist), then a wheel built *from the
  unpacked sdist*, as pip does where no wheel fits. That compiles palette.c,
  which includes palette.h: it fails unless the sdist ships the header
  (MANIFEST.in, or package data).

And setup.py run as on other Pythons (CPython, free-threaded CPython, a debug build, PyPy,
GraalPy; simulated: setup() only records its arguments), because the real builds show only
the grading Python: py_limited_api must not be set where cffi compiles no abi3 module.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PROJECT = "palette"
HEADER = "src/palette/palette.h"
NEEDED = ["setup.py", "pyproject.toml", "src/palette/_build.py", "src/palette/palette.c", HEADER]
BUILD_TIMEOUT = 50  # seconds for each build
RUN_TIMEOUT = 20

SDIST = r"""
import sys
from setuptools import build_meta
print("@@out@@" + build_meta.build_sdist(sys.argv[1]))
"""
WHEEL = r"""
import sys
from setuptools import build_meta
print("@@out@@" + build_meta.build_wheel(sys.argv[1]))
"""

PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
out = {}
try:
    import palette
    import palette._native as native
    out["file"] = native.__file__
    out["mix"] = palette.mix(0x000000, 0xFFFFFF)
    out["mix25"] = palette.mix(0xFF0000, 0x0000FF, 25)
    out["luma"] = palette.luma(0xFFFFFF)
except BaseException as exc:
    out["error"] = f"{type(exc).__name__}: {exc}"
print("@@probe@@" + json.dumps(out))
"""

NOISE = re.compile(
    r"^(copying|adding|creating|writing|running|reading|removing|installing|"
    r"Copying|Creating|warning: build_py)\b"
)


@dataclass
class Step:
    returncode: int | None  # None: it did not finish in time
    output: str
    result: Path | None  # the sdist or the wheel


@dataclass
class Builds:
    direct: Step  # a wheel built from the project folder
    sdist: Step
    members: list[str] = field(default_factory=list)  # sdist files, relative to its top folder
    from_sdist: Step | None = None  # a wheel built from the unpacked sdist
    names: list[str] = field(default_factory=list)  # files in the wheel built from the project
    unpacked: Path | None = None  # that wheel, unpacked
    requires_python: str = ""


def _meaningful(output: str, lines: int = 8) -> str:
    """The lines of a build's output that say what went wrong, without setuptools' chatter."""
    kept = [ln.rstrip() for ln in output.splitlines() if ln.strip() and not NOISE.match(ln.strip())]
    kept = [ln for ln in kept if "Command '[" not in ln]  # the compiler's whole command line: noise here
    errors = [ln for ln in kept if re.search(r"error|Error|warning: no files", ln)]
    chosen = errors[-lines:] if errors else kept[-lines:]
    return "\n".join("    " + ln.strip()[:300] for ln in chosen)


def _run(code: str, out: Path, cwd: Path) -> Step:
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PIP_NO_INDEX="1")  # nothing is installed: no network needed, none used
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code, str(out)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Step(None, "", None)
    found = [ln[len("@@out@@") :].strip() for ln in proc.stdout.splitlines() if ln.startswith("@@out@@")]
    result = out / found[-1] if proc.returncode == 0 and found and (out / found[-1]).is_file() else None
    return Step(proc.returncode, proc.stdout + proc.stderr, result)


def _requires_python(project: Path) -> str:
    try:
        if sys.version_info >= (3, 11):
            import tomllib
        else:
            import tomli as tomllib
        data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
        return str(data.get("project", {}).get("requires-python", ""))
    except Exception:
        return ""


@pytest.fixture(scope="module")
def workspace():
    root = Path(tempfile.mkdtemp(prefix="palette-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def builds(exercise, workspace) -> Builds:
    copies = [workspace / "project-1" / PROJECT, workspace / "project-2" / PROJECT]
    for copy in copies:  # each build on a fresh copy: one build's leftovers never help the other
        shutil.copytree(exercise.path(PROJECT), copy)
    out = Builds(
        _run(WHEEL, workspace / "wheel", copies[0]),
        _run(SDIST, workspace / "sdist", copies[1]),
        requires_python=_requires_python(copies[0]),
    )
    if out.direct.result is not None:
        out.names = zipfile.ZipFile(out.direct.result).namelist()
        out.unpacked = workspace / "unpacked"
        zipfile.ZipFile(out.direct.result).extractall(out.unpacked)
    if out.sdist.result is None:
        return out
    unpacked_sdist = workspace / "from-sdist"
    with tarfile.open(out.sdist.result) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and not m.name.startswith(("/", ".."))]
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # no links or paths out of the folder
        tar.extractall(unpacked_sdist, members=members, **safe)
    out.members = sorted(m.name.split("/", 1)[1] for m in members if "/" in m.name)
    tops = [p for p in unpacked_sdist.iterdir() if p.is_dir()]
    if len(tops) != 1:
        out.from_sdist = Step(1, f"the sdist has {len(tops)} top folders instead of one", None)
        return out
    out.from_sdist = _run(WHEEL, workspace / "wheel-from-sdist", tops[0])
    return out


def _require_sdist(builds: Builds) -> None:
    step = builds.sdist
    command = "Building the sdist of palette/ (setuptools' build_meta.build_sdist, from the project folder)"
    if step.returncode is None:
        pytest.fail(f"{command} was still running after {BUILD_TIMEOUT} s.")
    if step.result is None:
        pytest.fail(f"{command} failed (exit {step.returncode}). The build says:\n{_meaningful(step.output)}")


def _require_wheel(builds: Builds) -> None:
    step = builds.direct
    command = "Building a wheel of palette/ (setuptools' build_meta.build_wheel, from the project folder)"
    if step.returncode is None:
        pytest.fail(f"{command} was still running after {BUILD_TIMEOUT} s.")
    if step.result is None:
        pytest.fail(f"{command} failed (exit {step.returncode}). The build says:\n{_meaningful(step.output)}")


def _require_wheel_from_sdist(builds: Builds) -> None:
    _require_sdist(builds)
    step = builds.from_sdist
    command = "Building a wheel from the unpacked sdist (what pip does where no wheel fits)"
    if step is None or step.returncode is None:
        pytest.fail(f"{command} was still running after {BUILD_TIMEOUT} s.")
    if step.result is not None:
        return
    missing = [name for name in NEEDED if name not in builds.members]
    message = f"{command} failed (exit {step.returncode}). The build says:\n{_meaningful(step.output)}"
    if HEADER in missing:
        message += (
            f"\nThe sdist has no {HEADER}: palette.c and the module's own C code (set_source()'s "
            "#include) need it, so the compiler cannot build from the sdist. setuptools adds the Python files and the C sources named in sources=[...] by itself, "
            "not the headers: list the header in MANIFEST.in (a path from the project folder) or as "
            "package data."
        )
        if "warning: no files found matching" in builds.sdist.output:
            lines = [ln.strip() for ln in builds.sdist.output.splitlines() if "no files found matching" in ln]
            message += (
                f" Building the sdist warned: {lines[0]}. Paths in MANIFEST.in start from the folder "
                "that holds MANIFEST.in."
            )
    elif missing:
        message += f"\nThe sdist lacks {', '.join(missing)}."
    pytest.fail(message)


def test_wheel_builds(builds):
    _require_wheel(builds)


def test_sdist_builds(builds):
    _require_sdist(builds)


def test_wheel_builds_from_the_sdist(builds):
    _require_wheel_from_sdist(builds)


def _stable_abi_expected() -> bool:
    """Whether cffi compiles for the stable ABI here (as cffi's setuptools_ext decides)."""
    return (
        sys.implementation.name == "cpython"
        and not sysconfig.get_config_var("Py_GIL_DISABLED")
        and not hasattr(sys, "gettotalrefcount")
    )


def _oldest_minor(requires_python: str) -> int | None:
    found = re.search(r">=\s*3\.(\d+)", requires_python)
    return int(found.group(1)) if found else None


def test_wheel_is_tagged_for_the_stable_abi(builds):
    _require_wheel(builds)
    wheel = builds.direct.result.name
    parts = wheel[: -len(".whl")].split("-")
    python_tag, abi_tag = parts[-3], parts[-2]
    modules = [n for n in builds.names if n.startswith("palette/_native.") and n.endswith((".so", ".pyd"))]
    if not modules:
        pytest.fail(
            f"The wheel {wheel} holds no compiled module palette/_native (it has "
            f"{', '.join(builds.names[:6])}): setup.py must keep its cffi_modules."
        )
    module = modules[0]
    if not _stable_abi_expected():
        return  # PyPy, free-threaded or debug CPython: no stable ABI; a wheel for this Python is right
    if "abi3" not in module.split("/")[-1] and not module.endswith(".pyd"):
        pytest.fail(
            f"The compiled module is {module}, not built for the stable ABI: keep cffi's default "
            "(no py_limited_api=False in set_source())."
        )
    minor = sys.version_info[1]
    if abi_tag != "abi3":
        pytest.fail(
            f"The wheel is {wheel}: tagged {python_tag}-{abi_tag}, so pip installs it on CPython 3.{minor} only. "
            f"Yet its module {module} works on later CPython versions too: cffi compiled it for the stable ABI. "
            "Tell bdist_wheel, in setup.py's options, the py_limited_api tag of the oldest Python you support "
            f"(requires-python is {builds.requires_python or 'not given'}), only on CPython that is not free-threaded."
        )
    found = re.fullmatch(r"cp3(\d+)", python_tag)
    if not found:
        pytest.fail(f"The wheel {wheel} is tagged {python_tag}-abi3; the tag names a CPython version, like cp39.")
    tag_minor = int(found.group(1))
    oldest = _oldest_minor(builds.requires_python)
    if oldest is not None and tag_minor > oldest:
        pytest.fail(
            f"The wheel {wheel} is tagged {python_tag}-abi3: CPython 3.{tag_minor} or later. But requires-python "
            f"is {builds.requires_python}, so users of CPython 3.{oldest} up to 3.{tag_minor - 1} get no wheel, and "
            f"need a C compiler to install from the sdist. Use the tag of the oldest supported Python, cp3{oldest}."
        )
    if tag_minor > minor:
        pytest.fail(
            f"The wheel {wheel} is tagged {python_tag}-abi3: CPython 3.{tag_minor} or later, so the "
            f"CPython 3.{minor} that built it cannot install it."
        )


@pytest.fixture(scope="module")
def probe(builds, workspace) -> dict:
    """`import palette` in a fresh interpreter (-I: no PYTHONPATH) that sees the unpacked wheel."""
    if builds.unpacked is None:
        return {}
    here = workspace / "elsewhere"
    here.mkdir(exist_ok=True)
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", PROBE, str(builds.unpacked)],
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
    return json.loads(found[-1][len("@@probe@@") :])


def test_package_imports_from_the_wheel(builds, probe):
    _require_wheel(builds)
    if "error" in probe:
        pytest.fail(f"`import palette`, in a fresh Python that sees only the unpacked wheel, failed: {probe['error']}.")
    if not str(Path(probe["file"]).resolve()).startswith(str(builds.unpacked.resolve())):
        pytest.fail(f"`import palette._native` found {probe['file']}, not the module inside the wheel.")
    for key, expected, call in (
        ("mix", 0x808080, "palette.mix(0x000000, 0xFFFFFF)"),
        ("mix25", 0xBF0040, "palette.mix(0xFF0000, 0x0000FF, 25)"),
        ("luma", 255, "palette.luma(0xFFFFFF)"),
    ):
        if probe[key] != expected:
            pytest.fail(f"{call}, imported from the wheel, returned {probe[key]!r}; expected {expected!r}.")


# setup.py run as in other Pythons: setuptools.setup replaced by a function that records its arguments, and
# what a setup.py may look at to tell them apart (sys.implementation, platform, sys.version, sys.abiflags,
# sysconfig's Py_GIL_DISABLED and Py_DEBUG, sys.gettotalrefcount, '__pypy__') set as that Python has it.
SIMULATE = r"""
import json, platform, runpy, sys, sysconfig, types
env = json.loads(sys.argv[1])
seen = {}
def fake_setup(**kwargs):
    seen["options"] = {k: {o: str(v) for o, v in dict(opts).items()} for k, opts in dict(kwargs.get("options") or {}).items()}
    seen["cmdclass"] = sorted(dict(kwargs.get("cmdclass") or {}))
import setuptools
setuptools.setup = fake_setup
try:
    import distutils.core
    distutils.core.setup = fake_setup
except Exception:
    pass
sys.implementation = types.SimpleNamespace(**{**vars(sys.implementation), "name": env["implementation"]})
platform.python_implementation = lambda: env["platform"]
if env["implementation"] == "pypy":
    sys.version = sys.version.split("\n")[0] + "\n[PyPy 7.3.17 with GCC 13.2.0]"
    sys.builtin_module_names = tuple(sys.builtin_module_names) + ("__pypy__",)
config = {**sysconfig.get_config_vars(), "Py_GIL_DISABLED": env["gil_disabled"], "Py_DEBUG": env["debug"],
          "ABIFLAGS": env["abiflags"]}  # read before sys.abiflags changes: it names the file they come from
sys.abiflags = env["abiflags"]
sysconfig.get_config_var = config.get
def get_config_vars(*names):
    return [config.get(n) for n in names] if names else dict(config)
sysconfig.get_config_vars = get_config_vars
if env["debug"]:
    sys.gettotalrefcount = lambda: 0
elif hasattr(sys, "gettotalrefcount"):
    del sys.gettotalrefcount
sys.argv = ["setup.py", "bdist_wheel"]
try:
    runpy.run_path("setup.py", run_name="__main__")
except BaseException as exc:
    seen["error"] = f"{type(exc).__name__}: {exc}"
print("@@seen@@" + json.dumps(seen))
"""

# (what to call it, the facts it simulates, whether the wheel may carry the abi3 tag there)
ENVIRONMENTS = [
    ("CPython", dict(implementation="cpython", platform="CPython", abiflags="", gil_disabled=0, debug=0), True),
    (
        "free-threaded CPython (3.14t)",
        dict(implementation="cpython", platform="CPython", abiflags="t", gil_disabled=1, debug=0),
        False,
    ),
    (
        "a debug build of CPython (python3-dbg, python_d.exe)",
        dict(implementation="cpython", platform="CPython", abiflags="d", gil_disabled=0, debug=1),
        False,
    ),
    ("PyPy", dict(implementation="pypy", platform="PyPy", abiflags="", gil_disabled=0, debug=0), None),
    ("GraalPy", dict(implementation="graalpy", platform="GraalVM", abiflags="", gil_disabled=0, debug=0), None),
]


def _static_limited_api(project: Path) -> str | None:
    """Where setup.cfg or pyproject.toml set bdist_wheel's py_limited_api: the same for every Python."""
    import configparser

    cfg = configparser.ConfigParser()
    try:
        cfg.read(project / "setup.cfg", encoding="utf-8")
        if cfg.has_option("bdist_wheel", "py_limited_api"):
            return "setup.cfg"
    except configparser.Error:
        pass
    try:
        if sys.version_info >= (3, 11):
            import tomllib
        else:
            import tomli as tomllib
        data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
        if "py_limited_api" in data.get("tool", {}).get("distutils", {}).get("bdist_wheel", {}):
            return "pyproject.toml ([tool.distutils.bdist_wheel])"
    except Exception:
        pass
    return None


@pytest.fixture(scope="module")
def simulated(exercise, workspace) -> dict:
    """For each simulated Python: what setup.py passes to setup() there, or the error it raised."""
    copy = workspace / "project-sim" / PROJECT
    shutil.copytree(exercise.path(PROJECT), copy)
    out = {}
    for name, facts, _ in ENVIRONMENTS:
        try:
            proc = subprocess.run(
                [sys.executable, "-c", SIMULATE, json.dumps(facts)],
                cwd=copy,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            out[name] = {"error": f"it was still running after {RUN_TIMEOUT} s"}
            continue
        found = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@seen@@")]
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-4:])
        out[name] = json.loads(found[-1][len("@@seen@@") :]) if found else {"error": f"exit {proc.returncode}: {tail}"}
    return out


def test_stable_abi_tag_only_where_cffi_uses_it(exercise, simulated):
    """The py_limited_api option, decided by setup.py in each Python a user may build with."""
    static = _static_limited_api(exercise.path(PROJECT))
    for name, _, abi3 in ENVIRONMENTS:
        seen = simulated[name]
        if "error" in seen:
            pytest.fail(
                f"setup.py, run as on {name} (a simulation: setup() only records its arguments), "
                f"failed: {seen['error']}. A user of {name} building palette from the sdist gets that error."
            )
        if "bdist_wheel" in seen.get("cmdclass", []):
            return  # a bdist_wheel of its own decides the tag: only the real build (above) can judge it
        tag = seen.get("options", {}).get("bdist_wheel", {}).get("py_limited_api") or static
        if abi3 is False and tag:
            why = (
                "setuptools refuses py_limited_api there (Py_LIMITED_API is incompatible with Py_GIL_DISABLED "
                "before 3.15), so the build fails"
                if "free-threaded" in name
                else "cffi compiles an ordinary module there (no stable ABI in a debug build), so a wheel tagged "
                "abi3 would claim what its module is not"
            )
            where = f"set by {static}, for every Python" if tag == static else f"{tag!r}"
            pytest.fail(
                f"On {name}, setup.py still sets bdist_wheel's py_limited_api ({where}): {why}. "
                "Set it only where cffi compiles for the stable ABI: CPython, not free-threaded "
                '(sysconfig.get_config_var("Py_GIL_DISABLED")), not a debug build '
                '(hasattr(sys, "gettotalrefcount")).'
            )
        if abi3 and not tag and not _stable_abi_expected():
            # graded on another Python, the real build cannot show this: the simulation does
            pytest.fail(
                f"On {name}, setup.py does not set bdist_wheel's py_limited_api, so the wheel is tagged for "
                "one CPython version though cffi compiled its module for the stable ABI."
            )
