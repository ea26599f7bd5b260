"""Memory checking: grade an exercise with its C built under AddressSanitizer.

``python -m grader --memcheck 10_memory/owner`` (``nox -s memcheck -- ...``)
grades as usual, except that every C file the exercise compiles gets
``-fsanitize=address`` and the test processes start with the sanitizer's
runtime preloaded (Python itself is not built with it). A heap overflow, a
use after free or a double free then stops the test at the faulty access
instead of passing silently, and the report names the learner's file and line.

Where it works: Linux with gcc (its ``libasan.so``), CPython. Elsewhere
``prepare()`` raises ``Unsupported`` with a sentence saying why and what to do:
- macOS: System Integrity Protection strips ``DYLD_INSERT_LIBRARIES`` from
  the system's programs, so the runtime cannot be preloaded reliably;
- Windows: MSVC's ``/fsanitize=address`` needs its runtime linked into the
  program, which a stock python.exe is not;
- PyPy: untested here;
- clang on Linux ships its runtime under another name (``-shared-libasan``):
  not wired up; ``CC=gcc`` works where gcc is installed.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

from .paths import Paths

COMPILE_FLAGS = "-fsanitize=address -fno-omit-frame-pointer -g -O1"
# Python leaks by design at exit (LeakSanitizer would flag it); abort_on_error
# makes a finding a SIGABRT the engine already reports as a crash; the report
# goes to a file per process (log_path + ".<pid>") so the learner's own output
# cannot push it out of the engine's capped output buffer.
# allow_user_segv_handler=0: Python's faulthandler (PYTHONFAULTHANDLER=1) would catch
# a SIGSEGV first and raise it again with kill(): the sanitizer then reports a signal
# sent from pthread_kill at the process id, not the faulting access (no NULL, and the
# learner's frame third). The sanitizer's own handler reports it; its abort
# (abort_on_error) still gets faulthandler's Python stack.
ASAN_OPTIONS = "detect_leaks=0:abort_on_error=1:allocator_may_return_null=1:symbolize=1:allow_user_segv_handler=0"
# LD_PRELOAD stays set for everything a test process starts: the compiler
# (it runs fine with the runtime preloaded) and any fresh Python a grader
# starts, which would refuse to import a sanitized module without it.
# Time limits grow by this factor: sanitized C and Python's plain malloc are slower.
SLOWDOWN = 3.0


class Unsupported(Exception):
    """memcheck cannot run here; the message says why and what to do instead."""


def _compiler() -> list[str]:
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    return shlex.split(cc)


def _runtime(cc: list[str]) -> str:
    try:
        out = subprocess.run(
            [*cc, "-print-file-name=libasan.so"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        raise Unsupported(
            f"could not run the C compiler {' '.join(cc)!r} ({exc}). Check your setup with `nox -s grade` first."
        ) from None
    if not out or not os.path.isabs(out) or not os.path.exists(out):
        raise Unsupported(
            f"the C compiler {' '.join(cc)!r} has no AddressSanitizer runtime (libasan.so). memcheck uses "
            "gcc's: on Debian/Ubuntu it comes with gcc (package libasanN), on Fedora `dnf install libasan`. "
            "With clang, run with CC=gcc."
        )
    return out


def prepare(log_dir_token: str = "{log}") -> dict[str, str]:
    """The environment the test processes need, or Unsupported.

    ``ASAN_OPTIONS`` keeps ``log_dir_token`` where each run's log path goes
    (``child_env`` fills it in)."""
    if sys.platform == "darwin":
        raise Unsupported(
            "memcheck does not run on macOS: it preloads the AddressSanitizer runtime into "
            "Python, which macOS's System Integrity Protection blocks. Run it in Linux: the "
            "course's dev container, a Linux VM or a CI job."
        )
    if os.name == "nt":
        raise Unsupported(
            "memcheck does not run on Windows: MSVC's AddressSanitizer needs its runtime "
            "linked into python.exe itself. Run it in WSL (Ubuntu: apt install build-essential "
            "python3-dev) with the same command."
        )
    if sys.implementation.name != "cpython":
        raise Unsupported(
            f"memcheck needs CPython; this is {sys.implementation.name}. "
            "Run it as `nox -s memcheck` with a CPython interpreter."
        )
    if not sys.platform.startswith("linux"):
        raise Unsupported(f"memcheck is only set up for Linux, not {sys.platform}.")
    runtime = _runtime(_compiler())
    preload = " ".join(filter(None, [runtime, os.environ.get("LD_PRELOAD", "")]))
    # setuptools (80+) compiles with $CFLAGS *instead of* Python's own CFLAGS when it is
    # set (older ones appended it): start from Python's, or -Wall, -fwrapv and the rest
    # are lost (and with -Wall the compiler's warnings at the learner's lines).
    base = os.environ.get("CFLAGS") or sysconfig.get_config_var("CFLAGS") or ""
    env = {
        "CFLAGS": " ".join(filter(None, [base, COMPILE_FLAGS])),
        "LDFLAGS": " ".join(filter(None, [os.environ.get("LDFLAGS", ""), "-fsanitize=address"])),
        "LD_PRELOAD": preload,
        "ASAN_OPTIONS": f"{ASAN_OPTIONS}:log_path={log_dir_token}",
        # Python's small-object allocator would hide ffi.new() memory from the
        # sanitizer: with plain malloc every block has its red zones.
        "PYTHONMALLOC": "malloc",
    }
    _smoke_test(env)
    return env


def _smoke_test(env: dict[str, str]) -> None:
    """Start Python with the runtime preloaded once: some systems refuse it
    (a memory limit, an incompatible kernel mapping) and say so only here."""
    probe = dict(os.environ, **env)
    probe["ASAN_OPTIONS"] = ASAN_OPTIONS
    try:
        proc = subprocess.run(
            [sys.executable, "-c", "import _cffi_backend"], env=probe, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise Unsupported(f"Python did not start with AddressSanitizer preloaded: {exc}") from None
    if proc.returncode != 0:
        said = next((ln.strip() for ln in proc.stderr.splitlines() if ln.strip()), f"exit code {proc.returncode}")
        raise Unsupported(f"Python did not start with AddressSanitizer preloaded; it said: {said}")


def child_env(env: dict[str, str], log_path: Path) -> dict[str, str]:
    return dict(env, ASAN_OPTIONS=env["ASAN_OPTIONS"].replace("{log}", str(log_path)))


def collect_reports(log_path: Path) -> list[str]:
    """The reports written under ``log_path`` (one file per process), removed once read."""
    out = []
    for f in sorted(log_path.parent.glob(log_path.name + ".*")):
        try:
            out.append(f.read_text(encoding="utf-8", errors="replace"))
            f.unlink()
        except OSError:
            continue
    return out


# -- reading a report ----------------------------------------------------------------

_KINDS = {
    "heap-buffer-overflow": "a heap buffer overflow: C {access} memory just outside a block from malloc()",
    "heap-use-after-free": "a use after free: C {access} memory that had already been freed",
    "double-free": "a double free: the same block was freed twice",
    "bad-free": "a free() of memory that malloc() never gave out (for example memory owned by ffi.new())",
    "stack-buffer-overflow": "a stack buffer overflow: C {access} past the end of a local array",
    "stack-use-after-return": "a use of a local variable after its function returned",
    "global-buffer-overflow": "a global buffer overflow: C {access} past the end of a global array",
    "alloc-dealloc-mismatch": "memory freed with the wrong function (malloc/free vs new/delete)",
    "SEGV": "an access to an address that is not mapped (often NULL or a freed pointer)",
    "memcpy-param-overlap": "memcpy() with overlapping source and destination (use memmove())",
    "use-after-poison": "an access to memory marked off-limits",
    "free on address which was not malloc()-ed": "a free() of memory that malloc() never gave out "
    "(for example memory owned by ffi.new())",
}
_ERROR = re.compile(
    r"ERROR: AddressSanitizer: (?:attempting )?(?P<kind>free on address which was not "
    r"malloc\(\)-ed|[\w-]+)"
)
_ACCESS = re.compile(r"^(?P<op>READ|WRITE) of size (?P<size>\d+)", re.M)
_REGION = re.compile(
    r"is located (?P<off>\d+) bytes (?P<where>to the left of|to the right of|inside of) "
    r"(?P<size>\d+)-byte region"
)
_FRAME = re.compile(r"^\s*#\d+ 0x[0-9a-f]+ in (?P<func>\S+) (?P<loc>\S+)", re.M)
_SECTIONS = re.compile(r"^(?P<head>(?:freed|previously allocated|allocated) by thread \S+ here):\s*$", re.M)


_SIGNAL_ACCESS = re.compile(r"The signal is caused by a (?P<op>READ|WRITE) memory access")
_NULL = re.compile(r"SEGV on unknown address (?:0x)?0*[0-9a-f]{1,3}\b|address points to the zero page")
# '#0 0x7f in fill (/tmp/.../_assign_cffi.cpython-311-x86_64-linux-gnu.so+0x1159)': a cffi-built module's frame
_MODULE_FRAME = re.compile(r"^\s*#\d+ 0x[0-9a-f]+ in (?P<func>\w+) \((?:[^)]*/)?(?P<module>[^/)]+)\+0x", re.M)


def _own_module_frame(block: str) -> str:
    """The first function in a module cffi built from the learner's code (not cffi's own
    backend, not its generated wrappers), or ""."""
    for m in _MODULE_FRAME.finditer(block):
        if (
            "_cffi" in m["module"]
            and not m["module"].startswith("_cffi_backend")
            and not m["func"].startswith("_cffi_")
        ):
            return m["func"]
    return ""


@dataclass
class _Frame:
    func: str
    shown: str  # its location as the learner reads it (their file and line, or the library)
    learners: tuple[str, int] | None  # (path in the scratch tree, line) when it is in the learner's files

    def mine(self) -> str:
        return f"{self.func}() at {self.shown}"

    def __str__(self) -> str:
        return f"{self.func} ({self.shown})"


def _frames(block: str, paths: Paths) -> list[_Frame]:
    """The frames of one stack."""
    frames = []
    for m in _FRAME.finditer(block):
        func, loc = m["func"], m["loc"]
        loc = loc.strip("()")
        shown = loc
        hit = re.match(r"(?P<file>.+?):(?P<line>\d+)(?::\d+)?$", loc)
        rel = paths.relative_anywhere(hit["file"]) if hit else None
        if hit is not None and rel is not None:
            shown = f"{paths.shown(rel)} line {hit['line']}"
        frames.append(_Frame(func, shown, (rel, int(hit["line"])) if hit is not None and rel is not None else None))
    return frames


# Who in cffi allocated or freed a block, told by the functions of its stack.
_CFFI_SIDES = (
    (
        "owner-died",
        ("cdataowning_dealloc", "cdata_dealloc"),
        "freed by cffi, because the Python object from ffi.new() that owned it had died",
    ),
    ("ffi-new", ("direct_newp", "ffi_new"), "allocated by ffi.new() (its size includes cffi's small header)"),
    ("ffi-gc", ("gcp_finalize", "cdatagcp"), "freed by a destructor attached with ffi.gc()"),
)


def _cffi_side(frames: list[str]) -> tuple[str, str] | None:
    """(what, the words for it) of who in cffi allocated or freed a block, from the frames of its stack."""
    text = " ".join(frames)
    for side, functions, words in _CFFI_SIDES:
        if any(f in text for f in functions):
            return side, words
    return None


_SENT = re.compile(r"^\s*#0 0x[0-9a-f]+ in (?:__)?(?:pthread_kill\w*|raise|kill|tgkill|abort)\b", re.M)


def signal_was_sent(report: str) -> bool:
    """Whether a SEGV report is about a signal the program sent itself (os.kill,
    raise()), not a memory access: its first frame is in kill or raise."""
    return bool(_ERROR.search(report) and "SEGV" in report and _SENT.search(report))


@dataclass
class Finding:
    """One AddressSanitizer report in plain words, part by part."""

    what: str  # "a double free: the same block was freed twice"
    access: str = ""  # how far outside which block the access was
    where: str = ""  # "Where: ...": the learner's line that did it, or the library function
    source: tuple[str, int] | None = None  # (path in the scratch tree, line) ``where`` names
    blocks: list[str] = field(default_factory=list)  # where the block was allocated and freed
    advice: str = ""

    def lines(self, found: str = "AddressSanitizer found") -> list[str]:
        return [
            f"{found} {self.what}.",
            *filter(None, [self.access, self.where]),
            *self.blocks,
            *filter(None, [self.advice]),
        ]


def explain(report: str, paths: Paths) -> str:
    """Plain words for one AddressSanitizer report: what went wrong, where in
    the learner's files, and where the memory came from or went."""
    return "\n".join(analyse(report, paths).lines())


def analyse(report: str, paths: Paths) -> Finding:
    """``explain``'s words, in their parts."""
    m = _ERROR.search(report)
    kind = m["kind"] if m else "error"
    access = _ACCESS.search(report)
    verb = "read" if access and access["op"] == "READ" else "wrote"
    what = _KINDS.get(kind, f"a memory error ({kind})").format(access=verb)
    signal_access = _SIGNAL_ACCESS.search(report)
    if kind == "SEGV" and _NULL.search(report):
        # "SEGV on unknown address 0x000000000000 ... Hint: address points to the zero page"
        op = {"WRITE": "a write", "READ": "a read"}.get(signal_access["op"] if signal_access else "", "an access")
        what = f"{op} through a NULL pointer (or close to one: a field of a struct at NULL)"
    finding = Finding(what)
    region = _REGION.search(report)
    if access and region:
        where = {"to the right of": "past the end of", "to the left of": "before the start of", "inside of": "inside"}[
            region["where"]
        ]
        if region["where"] == "inside of":
            off = ""
        elif region["off"] == "0":
            off = "just "
        else:
            off = f"{region['off']} bytes "
        size = access["size"]
        article = "an" if region["size"][0] == "8" or region["size"] in ("11", "18") else "a"
        finding.access = (
            f"The {access['op'].lower()} of {size} byte{'s' if size != '1' else ''} was {off}{where} "
            f"{article} {region['size']}-byte block."
        )
    parts = _SECTIONS.split(report)
    every = _frames(parts[0], paths)
    mine = [f for f in every if f.learners]
    if mine:
        finding.where = "Where: " + mine[0].mine() + (f" (called from {mine[1].mine()})" if len(mine) > 1 else "")
        finding.source = mine[0].learners
    elif kind == "SEGV" and _own_module_frame(parts[0]):
        # A frame in the learner's compiled module without a line (no debug information for it).
        finding.where = f"Where: {_own_module_frame(parts[0])}() in your compiled module (its line is not known)."
    elif every:
        func = every[0].func.replace("__interceptor_", "").replace("___interceptor_", "")
        finding.where = (
            f"Where: in {func}(), not in your C: Python reached this memory through CFFI "
            "(ffi.string(), ffi.unpack(), the arguments of a C call); the line of your code is shown "
            "below."
        )
    owner_died = False
    for head, block in zip(parts[1::2], parts[2::2]):
        every = _frames(block, paths)
        mine = [f for f in every if f.learners]
        label = "freed" if head.startswith("freed") else "allocated"
        cffi = _cffi_side([str(f) for f in every])
        owner_died = owner_died or (cffi is not None and cffi[0] == "owner-died")
        if mine:
            finding.blocks.append(f"The block was {label} at: {mine[0].mine()}")
        elif cffi:
            finding.blocks.append(f"The block was {cffi[1]}.")
        elif every:
            finding.blocks.append(f"The block was {label} in {every[0]}.")
    if owner_died:
        finding.advice = (
            "Keep the object returned by ffi.new() referenced (in a variable or an attribute) "
            "for as long as C may use the pointer."
        )
    elif kind == "heap-buffer-overflow" and verb == "wrote":
        finding.advice = (
            "Check the size you allocate (a string needs strlen + 1 for its NUL) and the "
            "bounds of each loop that writes."
        )
    return finding
