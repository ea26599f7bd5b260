"""Build a learner's embedding library, compile a C host program and run it (lesson 16).

Runs inside a grading child. The learner's builder runs as a script (``python
NAME_build.py``, so its own ``ffibuilder.compile(target="libNAME.*")`` makes the
library) in a scratch folder of the check, never in the learner's folder. The host, a
plain C program the lesson ships, is compiled with setuptools' compiler (the one cffi
uses), loads the library with dlopen (LoadLibrary on Windows) and runs in a child
process whose output and exit status the grader reads.

Where this machine cannot embed Python (no shared libpython, PyPy without the library
cffi links with), ``cannot_embed()`` says why, and the grader skips its checks with
that reason: the exercise is graded "skip", not "fail".
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from .build import BuildError
from .shlib import c_compiler

BUILD_TIMEOUT = 120  # seconds for the learner's builder to compile the library
RUN_TIMEOUT = 30  # seconds for one run of the host


def _pypy_library_dirs() -> list[Path]:
    # Where PyPy's cffi tells the linker to look for libpypy3-c (cffi/api.py, _apply_embedding_fix).
    return [Path(sys.prefix) / "bin", Path(sys.prefix) / "pypy" / "goal"]


def cannot_embed() -> str | None:
    """Why a library made with ffibuilder.embedding_api() cannot be built and run here, or None."""
    if not sys.platform.startswith("linux"):
        # The macOS and Windows paths below (LoadLibrary in the hosts, PATH for pythonXY.dll,
        # framework builds) are written but have not been run yet: until a CI run on those
        # systems has graded the solutions, their learners get a skip that says so, not a
        # verdict the course cannot stand behind.
        return (
            f"lesson 16's checks have been verified on Linux only; on {sys.platform} they are not run yet. "
            "Read the lesson and build the examples by hand (its commands show how)."
        )
    if sys.implementation.name == "pypy":
        if sys.platform == "win32":
            return None  # PyPy for Windows ships libs/python3X.lib, which cffi links with
        suffix = ".dylib" if sys.platform == "darwin" else ".so"
        dirs = _pypy_library_dirs()
        if any((d / f"libpypy3-c{suffix}").exists() for d in dirs):
            return None
        found = sysconfig.get_config_var("LDLIBRARY") or "libpypy3-c" + suffix
        return (
            f"PyPy's cffi links an embedding library with -lpypy3-c and looks for libpypy3-c{suffix} in "
            f"{' and '.join(str(d) for d in dirs)}; there is none there (this PyPy's library is {found}, "
            "as some Linux distributions name it). Grade lesson 16 with CPython, or put a symbolic link "
            f"named libpypy3-c{suffix} to it in {dirs[0]}."
        )
    if sys.platform == "win32" or sysconfig.get_config_var("PYTHONFRAMEWORK"):
        return None  # Windows: pythonXY.dll and libs/pythonXY.lib; macOS framework builds: the framework
    if sysconfig.get_config_var("Py_ENABLE_SHARED"):
        return None
    # A Python whose own executable is linked statically can still have the shared library
    # installed beside it (Debian's python3 with libpython3.X-dev): cffi links with that.
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}{getattr(sys, 'abiflags', '')}"
    suffix = ".dylib" if sys.platform == "darwin" else ".so"
    for var in ("LIBDIR", "LIBPL"):
        folder = sysconfig.get_config_var(var)
        if folder and glob.glob(os.path.join(glob.escape(folder), f"lib{version}{suffix}*")):
            return None
    return (
        f"this Python has no shared libpython (Py_ENABLE_SHARED is 0, and there is no lib{version}{suffix} "
        f"in {sysconfig.get_config_var('LIBDIR')}): its interpreter is linked into its own executable, so "
        "a library cannot load it. Grade lesson 16 with a Python built with --enable-shared (with pyenv: "
        "PYTHON_CONFIGURE_OPTS=--enable-shared pyenv install 3.X)."
    )


def build_library(builder: Path, files: list[Path], work: Path, name: str, show) -> Path:
    """Copy ``files`` (the builder first) into ``work``, run the builder there as a script and
    return the library it made, ``lib<name>.so`` / ``.dylib`` / ``.dll``. ``show`` maps a
    scratch path to the learner's. A builder that fails or makes no such file is a BuildError."""
    work.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, work / f.name)
    try:
        proc = subprocess.run(
            [sys.executable, builder.name], cwd=work, capture_output=True, text=True, timeout=BUILD_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise BuildError("builder", f"`python {builder.name}` was still running after {BUILD_TIMEOUT} s") from None
    output = (proc.stdout + proc.stderr).replace(str(work) + os.sep, "").replace(str(work), ".")
    made = sorted(p.name for p in work.glob(f"lib{name}.*") if p.suffix in (".so", ".dylib", ".dll"))
    if proc.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise BuildError("builder", f"`python {builder.name}` exited with status {proc.returncode}:\n{tail}")
    if not made:
        others = sorted(p.name for p in work.iterdir() if p.suffix in (".so", ".dylib", ".dll", ".pyd"))
        raise BuildError(
            "builder",
            f"`python {builder.name}` ran, but made no lib{name}.so (.dylib, .dll)"
            + (f"; it made {', '.join(others)}" if others else "")
            + f". A C program loads a library by its file name: end {show(builder)} with "
            f'`if __name__ == "__main__": ffibuilder.compile(target="lib{name}.*", verbose=True)`.',
        )
    return work / made[0]


def compile_host(source: Path, work: Path) -> Path:
    """Compile the C host program ``source`` into an executable in ``work`` and return its path."""
    compiler = c_compiler()
    build = work / "obj"
    objects = compiler.compile([str(source)], output_dir=str(build))
    # dlopen() is in libc from glibc 2.34; older glibc (and some other libcs) need -ldl.
    libraries = ["dl"] if sys.platform.startswith("linux") else []
    compiler.link_executable(objects, source.stem, output_dir=str(work), libraries=libraries)
    exe = work / compiler.executable_filename(source.stem)
    if not exe.is_file():
        raise BuildError("compile", f"the C compiler made no {exe.name} from {source.name}")
    return exe


def host_environment() -> dict[str, str]:
    """The environment the host runs in: the embedded Python is this one, with the grader's packages.

    An embedded CPython does not know which Python it belongs to: it guesses its home from the
    program's name, searching PATH for `python3`, and may find another Python's library. PYTHONHOME
    names this one; PYTHONPATH adds the folder that holds _cffi_backend (in a virtual environment,
    its site-packages), which the library imports when it starts Python."""
    import _cffi_backend

    env = dict(os.environ)
    backend = str(Path(_cffi_backend.__file__).parent)
    env["PYTHONPATH"] = os.pathsep.join([backend, *filter(None, [env.get("PYTHONPATH")])])
    if sys.implementation.name != "pypy":
        env["PYTHONHOME"] = sys.base_prefix
    if sys.platform == "win32":
        # Windows finds pythonXY.dll through PATH (the host's folder is searched first).
        env["PATH"] = os.pathsep.join([sys.base_prefix, env.get("PATH", "")])
    elif sys.implementation.name == "pypy":
        # The library names libpypy3-c without a path: the loader finds it through this variable.
        var = "DYLD_LIBRARY_PATH" if sys.platform == "darwin" else "LD_LIBRARY_PATH"
        env[var] = os.pathsep.join([*(str(d) for d in _pypy_library_dirs()), env.get(var, "")])
    return env


def run_host(exe: Path, args: list[str], stdin: str | bytes = b"") -> subprocess.CompletedProcess:
    """Run the host with ``args`` and ``stdin`` (a str is sent as UTF-8); its output as text
    (UTF-8, undecodable bytes replaced), never raising on a non-zero exit."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    try:
        proc = subprocess.run(
            [str(exe), *args],
            input=data,
            cwd=exe.parent,
            env=host_environment(),
            capture_output=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode("utf-8", "replace")
        return subprocess.CompletedProcess(exc.cmd, -1, out + f"\n(still running after {RUN_TIMEOUT} s: killed)", "")
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    )
