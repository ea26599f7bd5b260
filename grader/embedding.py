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

cffi numbers the lines of the init code from the first non-blank line of the string given
to ``embedding_init_code()``: ``explain_output()`` shows the learner which line of their
builder that is, and folds the report cffi prints after a failed init code (its version,
where it found _cffi_backend, sys.path) into one line.
"""

from __future__ import annotations

import ast
import glob
import io
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tokenize
import warnings
from pathlib import Path
from typing import Callable

from .build import BuildError
from .shlib import c_compiler

BUILD_TIMEOUT = 120  # seconds for the learner's builder to compile the library
RUN_TIMEOUT = 30  # seconds for one run of the host


# cffi compiles the init code as "<init code for 'NAME'>" when the library starts Python
# (CPython: cffi/_embedding.h; PyPy: its own _cffi_backend), and as "cffi_init" when
# embedding_init_code() checks it for syntax errors while the builder runs (cffi/api.py).
_INIT_FRAME = re.compile(
    r"""^(?P<indent>[ \t]*)File "(?P<file><init code for '[^'\n]*'>|cffi_init)", line (?P<number>\d+)"""
    r"(?:, in (?P<scope>\S+))?[ \t]*$"
)
# Printed by cffi once the init code has failed: CPython's embedding logic, PyPy's.
_INIT_FAILED = re.compile(r"Failed to initialize the Python-CFFI embedding logic|initialization of '")
# What cffi prints after the traceback of a failed init code: on CPython the module, the cffi
# version, the _cffi_backend it loaded and sys.path; on PyPy its version and sys.path. Paths of
# the grading machine, and nothing a learner acts on.
_CFFI_REPORT = re.compile(
    r"^From: [^\n]*\ncompiled with cffi version: [^\n]*\n_cffi_backend module: [^\n]*\nsys\.path: [^\n]*\n+"
    r"|^pypy3? version: [^\n]*\nsys\.path: [^\n]*\n+",
    re.MULTILINE,
)
FOLDED = "(cffi's report on its version, the _cffi_backend it loaded and sys.path: left out)\n"
# Line breaks other than "\n" that str.splitlines(), which cffi numbers the init code with,
# sees: a string holding one (written as an escape) has lines that are not the builder's.
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# A string literal's prefix and opening quote.
_OPENING = re.compile(r"([A-Za-z]*)('''|\"\"\"|'|\")")
SHOWN_MAX = 2500  # characters of a host's output shown in a message; more is cut in the middle


def _init_code_argument(tree: ast.AST) -> ast.expr | None:
    """What the builder passes to its one call of embedding_init_code(), or None."""
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None))
        == "embedding_init_code"
    ]
    if len(calls) != 1:
        return None  # none, or several: which one made the library cannot be told from the text
    call = calls[0]
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "pysource"), None)


def _decoded(prefix: str, quote: str, written: str) -> str | None:
    """One line of a string literal's body as Python reads it; None if it cannot stand alone."""
    if "r" in prefix.lower():
        return written
    try:
        # "#" before the closing quote: a line may end with a quote character of its own.
        return ast.literal_eval(f"{prefix}{quote}{written}#{quote}")[:-1]
    except (SyntaxError, ValueError):
        return None


def _line_for_line(source: str, node: ast.Constant) -> bool:
    """Whether each line of the string ``node`` holds is written on a line of its own in
    ``source``: one literal (not "a" "b" side by side), no escaped newline ("\\n" in the
    text), no backslash at a line's end joining it to the next."""
    segment = ast.get_source_segment(source, node)
    if segment is None:
        return False
    try:
        strings = [t for t in tokenize.generate_tokens(io.StringIO(segment).readline) if t.type == tokenize.STRING]
    except (tokenize.TokenError, SyntaxError):
        return False
    opening = _OPENING.match(segment)
    if len(strings) != 1 or strings[0].string != segment or opening is None:
        return False
    prefix, quote = opening.groups()
    if not isinstance(node.value, str):  # b"..." is no init code
        return False
    written = segment[len(prefix) + len(quote) : -len(quote)].split("\n")
    held = node.value.split("\n")
    return len(written) == len(held) and all(_decoded(prefix, quote, w) == h for w, h in zip(written, held))


def init_code_span(source: str) -> tuple[int, int] | None:
    """The lines of the builder script ``source`` that hold its init code: (the line cffi calls
    line 1, the literal's last line). None when that cannot be told for sure: the builder
    does not parse, passes embedding_init_code() something other than one string literal (a
    variable, a file's text, an f-string), or calls it more than once, or the literal's lines
    are not the builder's lines (an escaped newline, a backslash joining two lines). A
    message then names no line rather than a wrong one."""
    with warnings.catch_warnings():
        # An unknown escape ("\d") is a warning, which stays as written: an error where warnings
        # are errors (the test suite), and then a builder that runs would not parse here.
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return None
        node = _init_code_argument(tree)
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return None
        value = node.value
        if any(c in value for c in _OTHER_BREAKS) or not _line_for_line(source, node):
            return None
    # cffi drops the blank lines the string starts with: its line 1 is the first line of code.
    blank = re.match(r"\s*\n", value)
    first = node.lineno + (value.count("\n", 0, blank.end()) if blank else 0)
    return first, node.end_lineno or node.lineno


def builder_line(source: str, number: int) -> int | None:
    """The line of the builder script ``source`` that is line ``number`` of its init code as
    cffi numbers it (in a traceback, ``File "<init code for 'NAME'>", line 6``), or None
    when that cannot be told for sure (init_code_span)."""
    span = init_code_span(source)
    if span is None or number < 1 or span[0] + number - 1 > span[1]:
        return None
    return span[0] + number - 1


def explain_output(text: str, builder: Path | None = None, show: Callable[[Path], str] | None = None) -> str:
    """``text``, what a builder or a host printed, as a learner reads it: cffi's report after
    a failed init code folded into one line (FOLDED); each frame in the init code followed by
    the line of ``builder`` it is (its path as ``show`` gives it) and what that line holds;
    and, when the init code failed (or did not compile), where and what to do."""
    text = _CFFI_REPORT.sub(FOLDED, text.replace("\r\n", "\n"))
    lines = text.split("\n")
    if builder is None or not any(_INIT_FRAME.match(line) for line in lines):
        return text
    try:
        source = builder.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        source = ""
    code = source.split("\n")
    where = show(builder) if show else builder.name
    out: list[str] = []
    last = None  # the innermost frame in the init code: (file, its line, the builder's line)
    for i, line in enumerate(lines):
        out.append(line)
        frame = _INIT_FRAME.match(line)
        if not frame:
            continue
        number = int(frame["number"])
        at = builder_line(source, number)
        last = (frame["file"], number, at)
        if at is None:
            continue
        out[-1] = f"{line} ({where}, line {at})"
        written = code[at - 1].strip()
        # For a syntax error ("cffi_init") Python prints the line itself; for the others it cannot.
        if written and (i + 1 == len(lines) or lines[i + 1].strip() != written):
            out.append(f"{frame['indent']}  {written}")  # where Python puts a frame's line
    body = "\n".join(out).rstrip()
    if last is None:
        return body
    file, number, at = last
    # The frame above already quotes the line; here, where it is and how cffi counts.
    counted = "cffi counts from the first line of the string that is not blank"
    if at is not None:
        place = f"{where}, line {at} (line {number} of the init code: {counted})."
    else:
        place = f"the init code's line {number} ({counted}, not from the top of {where})."
    if file == "cffi_init":
        return (
            f"{body}\n\nembedding_init_code() compiles your init code as soon as the builder calls it, and it "
            f"does not compile: the error is at {place} Fix it there and run `python {builder.name}` to check."
        )
    if _INIT_FAILED.search(text):
        return (
            f"{body}\n\nYour init code raised at {place} It runs when the host's first call starts Python; once it "
            "has failed, every function of the library returns 0 without running. Fix that line and grade again."
        )
    return body


def _shown(text: str) -> str:
    """A host's output for a message: all of it, or its start and end when it is long."""
    text = text.strip() or "(nothing)"
    keep = SHOWN_MAX // 2 - 50
    return text if len(text) < SHOWN_MAX else text[:keep] + "\n[...]\n" + text[-keep:]


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
    # The script ran as `python NAME_build.py`, so its frames say "NAME_build.py": the learner's file.
    output = output.replace(f'File "{builder.name}"', f'File "{show(builder)}"')
    made = sorted(p.name for p in work.glob(f"lib{name}.*") if p.suffix in (".so", ".dylib", ".dll"))
    if proc.returncode != 0:
        tail = explain_output("\n".join(output.strip().splitlines()[-15:]), builder, show)
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


class HostRun(subprocess.CompletedProcess):
    """A run of the host (text output), and ``shown``: what it printed, as a message shows it
    (explain_output, cut in the middle when long)."""

    def __init__(self, args, returncode: int, stdout: str, stderr: str, builder=None, show=None):
        super().__init__(args, returncode, stdout, stderr)
        self.shown = _shown(explain_output((stdout + stderr).strip(), builder, show))


def run_host(
    exe: Path,
    args: list[str],
    stdin: str | bytes = b"",
    *,
    builder: Path | None = None,
    show: Callable[[Path], str] | None = None,
) -> HostRun:
    """Run the host with ``args`` and ``stdin`` (a str is sent as UTF-8); its output as text
    (UTF-8, undecodable bytes replaced), never raising on a non-zero exit. With the learner's
    ``builder`` (and ``show``, which gives its path as they know it), ``shown`` names the
    builder's line for each line of the init code in a traceback."""
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
        return HostRun(exc.cmd, -1, out + f"\n(still running after {RUN_TIMEOUT} s: killed)", "", builder, show)
    return HostRun(
        proc.args,
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
        builder,
        show,
    )
