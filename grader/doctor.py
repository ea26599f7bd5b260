"""``nox -s doctor``: can this machine build and grade CFFI modules? If not, what to install.

    python -m grader.doctor [--json FILE]

Checks, in order, and stops explaining at the first that fails:

1. Python: CPython 3.10 or newer, or PyPy (whose Python 3.9 is accepted: it bundles cffi);
2. cffi importable, 1.15 or newer, and its C backend matching it;
3. setuptools importable (cffi compiles through it; Python 3.12 has no distutils);
4. the grader's own libraries (pytest, rich, platformdirs);
5. a C compiler and Python's headers, by compiling, importing and calling a
   one-line API-mode module in a temporary folder, in a child process (a crash
   there cannot take the doctor down);
6. zlib's header and library, for lesson 15 only, the same way (pkg-config, else
   ``-lz``/``zlib.lib``, as the lesson's builders find it): a note when missing,
   never a failure, since lessons 01-14 do not need it.

A failure names what is missing and the command that installs it on this
system: the Linux distribution is read from /etc/os-release, WSL is told
apart from Linux, macOS and Windows get their own tools. Exit status 0 when
everything works, 1 when something does not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from . import command

MIN_CPYTHON = (3, 10)
MIN_CFFI = (1, 15)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str  # what was found
    fix: str = ""  # what to do, when not ok
    required: bool = True  # False: only some lessons need it; when missing, a note, not a failure


# --- what to install, by system -----------------------------------------------------------------


def os_release(text: str | None = None) -> dict[str, str]:
    """The fields of /etc/os-release (or of ``text``)."""
    if text is None:
        for path in ("/etc/os-release", "/usr/lib/os-release"):
            try:
                text = Path(path).read_text(encoding="utf-8")
                break
            except OSError:
                continue
        else:
            return {}
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.startswith("#"):
            fields[key.strip()] = value.strip().strip('"').strip("'")
    return fields


def system_kind(sys_platform: str | None = None, release: str | None = None, osrel: dict | None = None) -> str:
    """'windows', 'macos', 'wsl-<family>' or '<family>' (debian, fedora, arch, alpine, suse, linux)."""
    sys_platform = sys_platform or sys.platform
    if sys_platform == "win32" or sys_platform == "cygwin":
        return "windows"
    if sys_platform == "darwin":
        return "macos"
    osrel = os_release() if osrel is None else osrel
    ids = " ".join([osrel.get("ID", ""), osrel.get("ID_LIKE", "")]).lower().split()
    family = "linux"
    for name, words in (
        ("debian", ("debian", "ubuntu")),
        ("fedora", ("fedora", "rhel", "centos")),
        ("arch", ("arch",)),
        ("alpine", ("alpine",)),
        ("suse", ("suse", "opensuse")),
    ):
        if any(w in ids for w in words):
            family = name
            break
    release = platform.release() if release is None else release
    if "microsoft" in release.lower() or "wsl" in release.lower():
        return f"wsl-{family}"
    return family


def _python_dev(pypy: bool, version: tuple[int, int]) -> dict[str, str]:
    """The package holding Python's headers, by Linux family."""
    if pypy:
        return {
            "debian": "pypy3-dev",
            "fedora": "pypy3-devel",
            "arch": "pypy3",
            "alpine": "pypy3-dev",
            "suse": "pypy3-devel",
            "linux": "the PyPy development package",
        }
    return {
        "debian": "python3-dev",
        "fedora": "python3-devel",
        "arch": "python",
        "alpine": "python3-dev",
        "suse": "python3-devel",
        "linux": f"the Python {version[0]}.{version[1]} development package",
    }


def install_advice(kind: str, missing: str, pypy: bool = False, version: tuple[int, int] | None = None) -> str:
    """The command (or steps) that install ``missing`` ('compiler', 'headers' or 'both') on ``kind``."""
    version = version or sys.version_info[:2]
    if kind == "windows":
        return (
            "Install Microsoft's C++ Build Tools (https://visualstudio.microsoft.com/visual-cpp-build-tools/): "
            'in the installer, tick "Desktop development with C++". Then open a new terminal and run '
            "`nox -s doctor` again. (Python from python.org already has its headers.)"
        )
    if kind == "macos":
        return (
            "Install Apple's command line tools: `xcode-select --install` (a dialog opens), then run "
            "`nox -s doctor` again. Python from python.org, Homebrew or pyenv already has its headers."
        )
    family = kind.split("-", 1)[1] if kind.startswith("wsl-") else kind
    dev = _python_dev(pypy, version)[family]
    compiler = {
        "debian": "build-essential",
        "fedora": "gcc",
        "arch": "base-devel",
        "alpine": "build-base",
        "suse": "gcc",
        "linux": "gcc",
    }[family]
    packages = {"compiler": [compiler], "headers": [dev], "both": [compiler, dev]}[missing]
    command = {
        "debian": "sudo apt install " + " ".join(packages),
        "fedora": "sudo dnf install " + " ".join(packages),
        "arch": "sudo pacman -S --needed " + " ".join(packages),
        "alpine": "sudo apk add " + " ".join(packages),
        "suse": "sudo zypper install " + " ".join(packages),
        "linux": "install " + " and ".join(packages) + " with your distribution's package manager",
    }[family]
    advice = f"Run: {command}" if family != "linux" else command[0].upper() + command[1:] + "."
    if missing in ("headers", "both") and not pypy and family != "arch":
        advice += (
            f" (For a Python you built or installed yourself, such as {version[0]}.{version[1]} from a PPA or "
            f"deadsnakes, the package is named after it, e.g. python{version[0]}.{version[1]}-dev; pyenv "
            "and conda Pythons have their headers already.)"
        )
    if kind.startswith("wsl-"):
        advice += " Run it inside WSL, in the same terminal as nox: Windows' own compiler does not count here."
    return advice


# --- the checks -----------------------------------------------------------------------------------


def check_python() -> Check:
    impl = platform.python_implementation()
    version = sys.version_info[:2]
    found = f"{impl} {platform.python_version()} ({sys.executable})"
    if impl == "PyPy":
        return Check("Python", True, found + "; PyPy bundles its own cffi")
    if version < MIN_CPYTHON:
        return Check(
            "Python",
            False,
            found,
            f"the course needs CPython {MIN_CPYTHON[0]}.{MIN_CPYTHON[1]} or newer. Install one "
            "(python.org, your package manager, or pyenv) and run nox with it: "
            f"`python{MIN_CPYTHON[0]}.{MIN_CPYTHON[1]} -m pip install nox`.",
        )
    return Check("Python", True, found)


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_cffi() -> Check:
    try:
        import _cffi_backend
        import cffi
    except ImportError as exc:
        return Check(
            "cffi",
            False,
            f"cannot be imported: {exc}",
            "nox installs it for the grading sessions: run `nox -s doctor` (not `python -m grader.doctor` "
            "with another Python). By hand: `python -m pip install cffi`.",
        )
    found = f"cffi {cffi.__version__}"
    backend = getattr(_cffi_backend, "__version__", cffi.__version__)
    if backend != cffi.__version__:
        return Check(
            "cffi",
            False,
            f"{found}, but its C backend _cffi_backend is {backend}",
            "two cffi installations are mixed (often a distribution's python3-cffi beside pip's). In the "
            "nox session's own environment this cannot happen: run `nox -s doctor`; elsewhere, uninstall "
            "one of them.",
        )
    if _version_tuple(cffi.__version__) < MIN_CFFI:
        return Check(
            "cffi",
            False,
            found,
            f"the course needs cffi {MIN_CFFI[0]}.{MIN_CFFI[1]} or newer: `python -m pip install -U cffi` "
            "(on PyPy, a newer PyPy).",
        )
    return Check("cffi", True, found)


def check_setuptools() -> Check:
    try:
        import setuptools
    except ImportError:
        return Check(
            "setuptools",
            False,
            "not installed",
            "cffi compiles through setuptools (Python 3.12 and newer have no distutils): "
            "`python -m pip install setuptools`, or run `nox -s doctor`, which installs it.",
        )
    return Check("setuptools", True, f"setuptools {setuptools.__version__}")


def check_grader_libraries() -> Check:
    missing = []
    found = []
    from importlib import metadata, util

    for name in ("pytest", "rich", "platformdirs"):
        if util.find_spec(name) is None:
            missing.append(name)
            continue
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(name)
    if missing:
        return Check(
            "grading libraries",
            False,
            "missing: " + ", ".join(missing),
            "run the tools through nox (`nox -s grade`, `nox -s doctor`), which installs them.",
        )
    return Check("grading libraries", True, ", ".join(found))


PROBE_BUILDER = textwrap.dedent("""
    import sys
    from cffi import FFI
    ffi = FFI()
    ffi.cdef("int doctor_add(int a, int b);")
    ffi.set_source("_doctor_probe", "int doctor_add(int a, int b) { return a + b; }")
    ffi.compile(tmpdir=sys.argv[1], verbose=False)
    sys.path.insert(0, sys.argv[1])
    from _doctor_probe import lib
    assert lib.doctor_add(40, 2) == 42, lib.doctor_add(40, 2)
    print("probe ok")
""")


def diagnose_build_failure(output: str) -> str:
    """'headers', 'compiler' or 'other', from what a failed build printed."""
    low = output.lower()
    if re.search(r"python\.h'?:? (no such file|file not found)|cannot open include file: 'python\.h'", low):
        return "headers"
    if re.search(r"(stdlib|stdio|stddef|limits)\.h'?:? (no such file|file not found)", low):
        return "compiler"  # a compiler without its C library headers: the toolchain is incomplete
    compiler_words = (
        "unable to execute",
        "command 'gcc' failed: no such file",
        "command 'cc' failed: no such file",
        "microsoft visual c++ 14.0 or greater is required",
        "no such file or directory: 'gcc'",
        "no such file or directory: 'cc'",
        "command not found",
        "xcrun: error",
        "could not find a compiler",
        "command 'clang' failed: no such file",
    )
    if any(w in low for w in compiler_words):
        return "compiler"
    for missing in re.findall(r"no such file or directory: '([^']+)'", low):
        name = re.split(r"[\\/]", missing)[-1]
        if re.search(r"(^|-)(gcc|cc|clang|cl\.exe|cl)(-[\d.]+)?(\.exe)?$", name):
            return "compiler"
    return "other"


def broken_cc(output: str, environ: dict | None = None) -> str:
    """What is wrong with $CC, when it is set and a build failed because of it, else "".
    setuptools compiles with $CC when it is set, so a stale or mistyped CC breaks every
    build however well the system compiler is installed. Windows: "" (MSVC is found
    through the registry and vswhere; CC is not used)."""
    import shlex
    import shutil

    cc = (os.environ if environ is None else environ).get("CC", "").strip()
    if not cc or os.name == "nt":
        return ""
    try:
        program = shlex.split(cc)[0]
    except (ValueError, IndexError):
        return f"the environment variable CC is set to {cc!r}, which is not a command"
    if shutil.which(program) is None:
        return f"the environment variable CC is set to {cc!r}, and this machine has no program {program!r}"
    if program in output:
        return f"the environment variable CC is set to {cc!r}, and that compiler failed"
    return ""


def excerpt(output: str, keep: int = 4) -> str:
    """The lines of a failed build worth showing: the compiler's errors, not Python's traceback."""
    lines = [ln.rstrip() for ln in output.strip().splitlines() if ln.strip()]
    noise = re.compile(r"^\s*(File \"|Traceback|raise |[~^ ]+$|outputfilename =|\^)")
    errors = [ln for ln in lines if re.search(r"fatal error|\berror:|error [A-Z]\d+:", ln) and not noise.match(ln)]
    errors = errors or [ln for ln in lines if "error" in ln.lower() and not noise.match(ln)]
    picked = errors[-keep:] if errors else [ln for ln in lines if not noise.match(ln)][-keep:]
    return "\n".join(ln if len(ln) <= 300 else ln[:297] + "..." for ln in picked)


def check_compiler(kind: str) -> Check:
    pypy = platform.python_implementation() == "PyPy"
    with tempfile.TemporaryDirectory(prefix="cffi-course-doctor-") as tmp:
        began = time.monotonic()
        try:
            proc = subprocess.run(
                [sys.executable, "-c", PROBE_BUILDER, tmp],
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Check(
                "C compiler and Python headers",
                False,
                "building a one-line module took over 3 minutes",
                "something is very slow or waiting for input (an antivirus scanning the build?). Try again.",
            )
        seconds = time.monotonic() - began
    output = (proc.stdout or "") + (proc.stderr or "")
    if proc.returncode == 0 and "probe ok" in output:
        return Check(
            "C compiler and Python headers", True, f"built, imported and called a one-line C module in {seconds:.1f} s"
        )
    cause = diagnose_build_failure(output)
    shown = excerpt(output)
    broken = broken_cc(output)
    if broken and cause != "headers":
        return Check(
            "C compiler and Python headers",
            False,
            broken + ":\n" + shown,
            "unset CC (`unset CC`) to build with the compiler Python was built with, or set it to a "
            "compiler this machine has (`export CC=gcc` or `export CC=clang`). cffi, and so the grader, "
            "compiles with $CC whenever it is set.",
        )
    if cause == "headers":
        return Check(
            "C compiler and Python headers",
            False,
            "the C compiler runs, but Python's header files (Python.h) are missing:\n" + shown,
            install_advice(kind, "headers", pypy),
        )
    if cause == "compiler":
        return Check(
            "C compiler and Python headers",
            False,
            "no working C compiler was found (or its C library headers are missing):\n" + shown,
            install_advice(kind, "both" if kind not in ("windows", "macos") else "compiler", pypy),
        )
    advice = install_advice(kind, "both", pypy)
    return Check(
        "C compiler and Python headers",
        False,
        "building a one-line C module failed:\n" + shown,
        "read the last lines above. If they mention a missing program or file, " + advice[0].lower() + advice[1:],
    )


# Builds a module against zlib as lesson 15's builders do (pkg-config, else the library's
# usual name), then imports it and calls zlibVersion(). Arguments: the folder, the header,
# the pkg-config package and the library name (other values simulate what is missing).
ZLIB_PROBE = textwrap.dedent("""
    import os, sys
    from cffi import FFI, PkgConfigError
    folder, header, package, library = sys.argv[1:5]
    ffi = FFI()
    ffi.cdef("const char *zlibVersion(void);")
    source = "#include <%s>" % header
    try:
        ffi.set_source_pkgconfig("_doctor_zlib", [package], source)
    except PkgConfigError:
        extra = {}
        if sys.platform == "win32":  # conda's folders, where conda puts zlib
            root = os.path.join(sys.prefix, "Library")
            extra = {"include_dirs": [os.path.join(root, "include")], "library_dirs": [os.path.join(root, "lib")]}
        ffi.set_source("_doctor_zlib", source, libraries=[library], **extra)
    ffi.compile(tmpdir=folder, verbose=False)
    sys.path.insert(0, folder)
    from _doctor_zlib import ffi, lib
    print("zlib", ffi.string(lib.zlibVersion()).decode())
""")

ZLIB_NAME = "zlib (lesson 15 only)"


def zlib_advice(kind: str, missing: str) -> str:
    """How to get zlib's header and library ('header' or 'library' missing) on ``kind``."""
    if kind == "windows":
        return (
            "Windows has no system zlib: `conda install zlib` puts it where lesson 15's builders look "
            "(%CONDA_PREFIX%\\Library); with vcpkg, `vcpkg install zlib:x64-windows`, then give its "
            'include, lib and bin folders to set_source() and os.add_dll_directory() (lesson 15, "Finding the '
            'library").'
        )
    if kind == "macos":
        return (
            "zlib comes with macOS; its header is in the SDK of Apple's command line tools: "
            "`xcode-select --install`, then run `nox -s doctor` again."
        )
    family = kind.split("-", 1)[1] if kind.startswith("wsl-") else kind
    command = {
        "debian": "sudo apt install zlib1g-dev",
        "fedora": "sudo dnf install zlib-devel",
        "arch": "sudo pacman -S --needed zlib",
        "alpine": "sudo apk add zlib-dev",
        "suse": "sudo zypper install zlib-devel",
    }.get(family)
    what = "zlib.h is missing" if missing == "header" else "libz.so, which the linker reads, is missing"
    if command is None:
        return f"install zlib's development package ({what}), then run `nox -s doctor` again."
    return f"install zlib's development package ({what}): `{command}`, then run `nox -s doctor` again."


def check_zlib(kind: str, header: str = "zlib.h", package: str = "zlib", library: str | None = None) -> Check:
    """Can this machine build a module against zlib (lesson 15)? Never a failure: a note."""
    library = library or ("zlib" if sys.platform == "win32" else "z")
    with tempfile.TemporaryDirectory(prefix="cffi-course-doctor-") as tmp:
        try:
            proc = subprocess.run(
                [sys.executable, "-c", ZLIB_PROBE, tmp, header, package, library],
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Check(
                ZLIB_NAME,
                False,
                "building a module against zlib took over 3 minutes",
                "try again; only lesson 15 needs zlib.",
                required=False,
            )
    output = (proc.stdout or "") + (proc.stderr or "")
    found = re.search(r"^zlib (\S+)$", proc.stdout or "", flags=re.M)
    if proc.returncode == 0 and found:
        return Check(
            ZLIB_NAME, True, f"built, imported and called a module linked with zlib {found.group(1)}", required=False
        )
    low = output.lower()
    name = re.escape(header.lower())
    if re.search(rf"{name}'?:? (no such file|file not found)|cannot open include file: '{name}'", low):
        return Check(
            ZLIB_NAME,
            False,
            f"zlib's header is not installed:\n{excerpt(output)}",
            zlib_advice(kind, "header"),
            required=False,
        )
    link = re.compile(
        r"cannot find -l|library not found for -l|cannot open (input )?file '?[^' ]*\.lib|lnk1181"
        r"|undefined symbol|symbol not found",
        re.I,
    )
    if link.search(output):
        said = "\n".join(ln.strip() for ln in output.splitlines() if link.search(ln))
        return Check(
            ZLIB_NAME, False, f"zlib's library was not found:\n{said}", zlib_advice(kind, "library"), required=False
        )
    return Check(
        ZLIB_NAME,
        False,
        f"building a module against zlib failed:\n{excerpt(output)}",
        "read the last lines above; " + zlib_advice(kind, "header"),
        required=False,
    )


def run_checks() -> list[Check]:
    checks = [check_python(), check_cffi(), check_setuptools(), check_grader_libraries()]
    if all(c.ok for c in checks[1:3]):  # the build needs cffi and setuptools
        kind = system_kind()
        checks.append(check_compiler(kind))
        if checks[-1].ok:  # without a compiler nothing builds, zlib or not
            checks.append(check_zlib(kind))
    return checks


def passed(checks: list[Check]) -> bool:
    """Whether the course can be graded: every required check holds (zlib is only lesson 15's)."""
    return all(c.ok for c in checks if c.required)


def main(argv: list[str] | None = None) -> int:
    return command.run(lambda: _main(argv))


def _main(argv: list[str] | None) -> int:
    p = argparse.ArgumentParser(prog="nox -s doctor --", description="Check that this machine can grade the course.")
    p.add_argument("--json", metavar="FILE", help="also write the checks as JSON (for an instructor's setup survey)")
    args = p.parse_args(argv)
    kind = system_kind()
    print(f"cffi-course doctor · {platform.system()} {platform.release()} ({kind}) · {platform.machine()}")
    checks = run_checks()
    for c in checks:
        mark = "✓" if c.ok else "✗" if c.required else "!"
        print(f"  {mark} {c.name}: {c.detail.splitlines()[0] if c.detail else ''}")
        for line in c.detail.splitlines()[1:]:
            print(f"      {line}")
        if not c.ok:
            print(textwrap.fill(f"What to do: {c.fix}", width=88, initial_indent="    ", subsequent_indent="    "))
    ok = passed(checks)
    notes = [c for c in checks if not c.ok and not c.required]
    if ok and notes:
        print("Lessons 01-14 can be built and graded here. Lesson 15 needs what the ! line above says.")
    elif ok:
        print("Everything the course needs is here. Next: `nox -s grade`, then read lessons/01-setup.md.")
    else:
        print("Fix the first ✗ above, then run `nox -s doctor` again.")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"ok": ok, "system": kind, "python": sys.version, "checks": [asdict(c) for c in checks]}, indent=2
            ),
            encoding="utf-8",
        )
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
