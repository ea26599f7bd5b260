"""Grader for 17_shipping/bundle: a wheel that carries the C library its module links.

One run of the whole path, shared by every check, in a copy of the learner's bundle/ folder
(their files are never written): libgreet.so.1 built from vendor/ into vendor/lib (what CI's
before-all step does), a wheel built with setuptools' own backend (no network), the learner's
repair(wheel, library_dir, dest) called on it, then the repaired wheel installed with pip
into a fresh virtual environment, vendor/lib deleted, and greet imported and called in a
child with no LD_LIBRARY_PATH, from an empty folder: as on a user's machine, where libgreet
was never installed. The checks read that run: the wheel built, the repair made a wheel,
tagged manylinux (or musllinux), holding libgreet, with no run path into the build folder,
and greet.hello() answering from the fresh environment.

Linux only (auditwheel repairs Linux wheels; delocate and delvewheel, on the page, are the
other systems' tools), with auditwheel (Python 3.10+), patchelf and pip installed: they are
not in the learner's first grading install. Elsewhere every check is skipped, with why and
what to install.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader.testing import c_compiler

PROJECT = "bundle"
LIBRARY = "libgreet.so.1"
BUILD_TIMEOUT = 50  # seconds for the wheel build, and for pip's install
RUN_TIMEOUT = 20
SCRIPTS = sysconfig.get_path("scripts")  # where pip put patchelf's and auditwheel's commands
INSTALL = f"{sys.executable} -m pip install auditwheel patchelf"


def _installed_in(distribution: str) -> Path | None:
    """The folder a distribution is installed in, or None. Read from its metadata: importing pip,
    or even find_spec("pip"), turns off setuptools' own distutils in this process (its
    _distutils_hack gives pip the standard library's), and c_compiler() then fails."""
    try:
        return Path(importlib.metadata.distribution(distribution).locate_file(""))
    except importlib.metadata.PackageNotFoundError:
        return None


def _cannot_repair() -> str | None:
    """Why this machine cannot grade the exercise, or None."""
    if not sys.platform.startswith("linux"):
        # macOS's delocate-wheel and Windows's delvewheel do the same job, with other rules: the page
        # shows them; this exercise's checks (ELF run paths, manylinux tags) are Linux's.
        return (
            f"auditwheel repairs Linux wheels only, and this is {sys.platform}: grade this exercise on "
            "Linux (WSL or a container works); the page shows delocate-wheel (macOS) and delvewheel (Windows)"
        )
    if sys.version_info < (3, 10):
        return (
            f"auditwheel runs on Python 3.10 and later, and this is {sys.version.split()[0]}: grade this exercise "
            "with a newer Python"
        )
    missing = [name for name in ("auditwheel", "pip") if _installed_in(name) is None]
    if shutil.which("patchelf", path=os.pathsep.join([SCRIPTS, os.environ.get("PATH", "")])) is None:
        missing.append("patchelf")
    if not missing:
        return None
    command = INSTALL if "pip" not in missing else f"{sys.executable} -m ensurepip` then `{INSTALL}"
    return (
        f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not installed here: grade it with "
        f"`nox -s grade -- 17`, which installs lesson 17's tools, or run `{command}`, then grade again"
    )


REASON = _cannot_repair()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")

WHEEL = r"""
import sys
from setuptools import build_meta
print("@@out@@" + build_meta.build_wheel(sys.argv[1]))
"""

PROBE = r"""
import json
out = {}
try:
    import greet
    import greet._greet
    out["file"] = greet._greet.__file__
    out["hello"] = greet.hello("wheel")
    out["long"] = greet.hello("a user far away")
except BaseException as exc:
    out["error"] = f"{type(exc).__name__}: {exc}"
print("@@probe@@" + json.dumps(out))
"""


@dataclass
class Run:
    """What happened on the way from the learner's folder to an import on a clean machine."""

    work: Path
    build_error: str = ""  # the wheel did not build: why
    wheel: Path | None = None  # the wheel as built
    repair_error: str = ""  # repair() raised, or returned no wheel: why
    repaired: Path | None = None
    names: list[str] = field(default_factory=list)  # the repaired wheel's files
    run_paths: dict[str, list[str]] = field(default_factory=dict)  # each module's RPATH/RUNPATH entries
    install_error: str = ""
    probe: dict = field(default_factory=dict)


def _tail(text: str, lines: int = 12) -> str:
    kept = [ln.rstrip() for ln in text.strip().splitlines() if ln.strip()]
    return "\n".join("    " + ln[:300] for ln in kept[-lines:])


def _build_library(project: Path) -> Path:
    """vendor/greet.c compiled into vendor/lib/libgreet.so.1 (its soname), with the link
    libgreet.so that -lgreet finds: the layout `make install` leaves."""
    lib = project / "vendor" / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    compiler = c_compiler()
    objects = compiler.compile([str(project / "vendor" / "greet.c")], output_dir=str(project / "vendor" / "obj"))
    compiler.link(
        compiler.SHARED_LIBRARY,
        objects,
        LIBRARY,
        output_dir=str(lib),
        extra_postargs=[f"-Wl,-soname,{LIBRARY}"],
        target_lang="c",
    )
    (lib / "libgreet.so").symlink_to(LIBRARY)
    return lib


def _build_wheel(project: Path, out: Path) -> tuple[Path | None, str]:
    env = dict(os.environ, PIP_NO_INDEX="1")  # nothing to download, and nothing downloaded
    env.pop("LD_LIBRARY_PATH", None)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", WHEEL, str(out)],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, f"it was still running after {BUILD_TIMEOUT} s"
    found = [ln[len("@@out@@") :].strip() for ln in proc.stdout.splitlines() if ln.startswith("@@out@@")]
    if proc.returncode == 0 and found and (out / found[-1]).is_file():
        return out / found[-1], ""
    errors = [ln for ln in (proc.stdout + proc.stderr).splitlines() if re.search(r"error|Error", ln)]
    return None, f"exit status {proc.returncode}:\n" + _tail("\n".join(errors) or proc.stdout + proc.stderr)


@contextlib.contextmanager
def _output_to(path: Path):
    """Send what this process and its children write on file descriptors 1 and 2 to ``path``:
    auditwheel's own error, whether or not repair() captured it."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(path, "wb") as f:
        os.dup2(f.fileno(), 1)
        os.dup2(f.fileno(), 2)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, copy in zip((1, 2), saved):
            os.dup2(copy, fd)
            os.close(copy)


def _load_repair(exercise):
    spec = importlib.util.spec_from_file_location("repair", exercise.path(f"{PROJECT}/repair.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.repair


def _repair(exercise, run: Run, library_dir: Path) -> None:
    dest = run.work / "wheelhouse"
    dest.mkdir()
    call = f"repair(<tmp>/dist/{run.wheel.name}, <tmp>/vendor/lib, <tmp>/wheelhouse)"
    log = run.work / "repair.log"
    # patchelf (auditwheel runs it) is a command pip put next to this Python, not always on PATH.
    os.environ["PATH"] = os.pathsep.join([SCRIPTS, os.environ.get("PATH", "")])
    try:
        with _output_to(log):
            repaired = _load_repair(exercise)(run.wheel, library_dir, dest)
    except BaseException as exc:  # the learner's code: whatever it raised is the message
        said = log.read_text(errors="replace")
        run.repair_error = f"{call} raised:\n{exercise.traceback(exc)}"
        if said.strip():
            run.repair_error += f"\nIts output ended with:\n{_tail(said, 3)}"
        run.repair_error += _advice(said)
        return
    if not isinstance(repaired, (str, os.PathLike)) or not Path(repaired).is_file():
        run.repair_error = (
            f"{call} returned {repaired!r}; expected the path of the repaired wheel (a file in dest, "
            "where auditwheel repair --wheel-dir wrote it)"
        )
        return
    run.repaired = Path(repaired)


def _advice(said: str) -> str:
    """What to do about an error auditwheel printed that has one usual cause."""
    if "could not be located" in said:
        return (
            "\nauditwheel looks for the libraries the module needs where the loader would: tell it where "
            "libgreet.so.1 is, with LD_LIBRARY_PATH=<library_dir> in the environment of the command."
        )
    if "couldn't detect libc" in said:
        return (
            "\nauditwheel could not tell which C library the module uses: build it with "
            "set_source(..., py_limited_api=False) (the page's trap, in A wheel that needs a library)."
        )
    return ""


def _run_paths(wheel: Path, into: Path) -> dict[str, list[str]]:
    """RPATH and RUNPATH of each compiled module in the wheel, read with pyelftools (auditwheel's)."""
    from elftools.elf.dynamic import DynamicSection
    from elftools.elf.elffile import ELFFile

    out = {}
    with zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            if not (name.startswith("greet/") and name.endswith(".so")):
                continue
            path = Path(zf.extract(name, into))
            with open(path, "rb") as f:
                entries = []
                for section in ELFFile(f).iter_sections():
                    if isinstance(section, DynamicSection):
                        for tag in section.iter_tags():
                            if tag.entry.d_tag == "DT_RPATH":  # the linker's older tag (--disable-new-dtags)
                                entries += tag.rpath.split(":")
                            elif tag.entry.d_tag == "DT_RUNPATH":
                                entries += tag.runpath.split(":")
                out[name] = [e for e in entries if e]
    return out


def _install_and_import(run: Run, library_dir: Path) -> None:
    venv = run.work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=RUN_TIMEOUT)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=RUN_TIMEOUT,
    ).stdout.strip()
    # The fresh environment sees the grading one's cffi (greet's one dependency, which pip
    # installs from the index on a user's machine) and pip: nothing of the project.
    import _cffi_backend
    import cffi

    shared = {
        str(Path(cffi.__file__).parent.parent),
        str(Path(_cffi_backend.__file__).parent),
        str(_installed_in("pip")),
    }
    Path(site, "grading-tools.pth").write_text("".join(f"{folder}\n" for folder in sorted(shared)))
    shutil.rmtree(library_dir.parent / "obj", ignore_errors=True)
    shutil.rmtree(library_dir)  # libgreet is gone: only the wheel can bring it
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "PYTHONPATH", "PYTHONHOME")}
    env["PIP_NO_INDEX"] = "1"
    try:
        proc = subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--no-deps",
                "--no-index",
                "--disable-pip-version-check",
                "--no-cache-dir",
                "-q",
                str(run.repaired),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        run.install_error = f"pip install was still running after {BUILD_TIMEOUT} s"
        return
    if proc.returncode != 0:
        run.install_error = f"pip install {run.repaired.name} failed (exit status {proc.returncode}):\n" + _tail(
            proc.stdout + proc.stderr
        )
        return
    elsewhere = run.work / "elsewhere"
    elsewhere.mkdir()
    try:
        proc = subprocess.run(
            [str(python), "-I", "-c", PROBE],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        run.probe = {"error": f"it was still running after {RUN_TIMEOUT} s"}
        return
    found = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@probe@@")]
    if found:
        run.probe = json.loads(found[-1][len("@@probe@@") :])
    else:
        run.probe = {"error": f"the process ended (exit status {proc.returncode}):\n{_tail(proc.stdout + proc.stderr)}"}


@pytest.fixture(scope="module")
def run(exercise, tmp_path_factory) -> Run:
    work = tmp_path_factory.mktemp("bundle")
    out = Run(work)
    project = work / "project"
    shutil.copytree(exercise.path(PROJECT), project)
    library_dir = _build_library(project)
    out.wheel, out.build_error = _build_wheel(project, work / "dist")
    if out.wheel is None:
        return out
    _repair(exercise, out, library_dir)
    if out.repaired is None:
        return out
    with zipfile.ZipFile(out.repaired) as zf:
        out.names = zf.namelist()
    out.run_paths = _run_paths(out.repaired, work / "unpacked")
    _install_and_import(out, library_dir)
    return out


def _require_wheel(run: Run) -> None:
    if run.wheel is None:
        pytest.fail(
            "Building a wheel of bundle/ (setuptools' build_meta.build_wheel, in the project folder, with "
            f"libgreet built in vendor/lib) failed, {run.build_error}"
        )


def _require_repaired(run: Run) -> None:
    _require_wheel(run)
    if run.repaired is None:
        pytest.fail(run.repair_error)


def test_wheel_builds(run):
    _require_wheel(run)


def test_repair_makes_a_wheel(run):
    _require_repaired(run)


def test_repaired_wheel_is_tagged_for_many_linuxes(run):
    _require_repaired(run)
    platform_tag = run.repaired.name[: -len(".whl")].split("-")[-1]
    if not re.search(r"(^|\.)(manylinux|musllinux)", platform_tag):
        pytest.fail(
            f"repair() returned {run.repaired.name}, tagged {platform_tag}: this machine's Linux only, a tag "
            "PyPI refuses. auditwheel repair retags the wheel manylinux_X_Y (musllinux on musl) once it has "
            "copied the libraries in: return the wheel auditwheel wrote, not the one you were given."
        )


def test_repaired_wheel_carries_libgreet(run):
    _require_repaired(run)
    copies = [n for n in run.names if re.fullmatch(r"greet\.libs/libgreet[^/]*\.so[.0-9]*", n)]
    if not copies:
        pytest.fail(
            f"The repaired wheel {run.repaired.name} holds no copy of libgreet (its files: "
            f"{', '.join(run.names[:8])}). auditwheel repair copies each library the module links, and "
            "that the system does not provide, into greet.libs/: the module must link libgreet "
            '(set_source(..., libraries=["greet"])), and the repair must not leave it out (--exclude).'
        )


def test_no_run_path_into_the_build_folder(run):
    _require_repaired(run)
    build = str(run.work / "project")
    for module, entries in run.run_paths.items():
        # the grader's copy of the project, or the learner's own folder written in by hand
        bad = [e for e in entries if e.startswith(build) or e.rstrip("/").endswith("/vendor/lib")]
        if bad:
            shown = ", ".join(e.replace(build, "<tmp>/bundle") for e in bad)
            pytest.fail(
                f"{module}, in the repaired wheel, has the run path {shown}: a folder of the machine that "
                "built it, which no user has. It comes from runtime_library_dirs (or -Wl,-rpath) in "
                "set_source(): drop it, and let the repair point the module at the copy of libgreet it "
                "puts in the wheel ($ORIGIN/../greet.libs)."
            )


def test_imports_where_the_library_is_absent(run):
    _require_repaired(run)
    where = (
        f"{run.repaired.name}, installed with pip in a fresh virtual environment, imported from an empty "
        "folder once libgreet was deleted (as on a machine that never had it)"
    )
    if run.install_error:
        pytest.fail(f"{where}: {run.install_error}")
    if "error" in run.probe:
        advice = ""
        if LIBRARY in run.probe["error"]:
            advice = (
                f" The module needs {LIBRARY} and the wheel does not bring it: the repair must copy it in "
                "(auditwheel repair, with no --exclude for it)."
            )
        elif "undefined symbol" in run.probe["error"]:
            advice = (
                " The module calls greet_format() but links no library that has it: "
                'set_source(..., libraries=["greet"], library_dirs=[...]).'
            )
        pytest.fail(f"`import greet; greet.hello('wheel')`, with {where}, failed: {run.probe['error']}.{advice}")
    venv = (run.work / "venv").resolve()
    if not Path(run.probe["file"]).resolve().is_relative_to(venv):
        pytest.fail(
            f"`import greet._greet`, with {where}, found {run.probe['file']}, not the module the wheel installed: "
            "greet is installed in the Python that grades too. Uninstall it there (pip uninstall greet)."
        )
    for key, name in (("hello", "wheel"), ("long", "a user far away")):
        expected = f"Hello, {name}!"
        if run.probe[key] != expected:
            pytest.fail(f"greet.hello({name!r}), with {where}, returned {run.probe[key]!r}; expected {expected!r}.")
