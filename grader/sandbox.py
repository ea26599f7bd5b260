"""Sandbox the grading child when the work graded is not the user's own.

Three kinds, strongest first (``detect`` picks the strongest that works here):

* ``bwrap``: bubblewrap (Linux, user namespaces). The child sees the machine
  read-only (``/tmp`` included), its own run folder writable, a private ``/dev`` and ``/proc``,
  no network (its own network namespace: loopback only), no other process
  (its own PID namespace, which dies with it) and no capabilities. The graded
  folder (a participant's tree, a room's folder) is hidden under an empty tmpfs.
* ``user``: where user namespaces are blocked (many Docker setups, Gradescope's
  among them) and the engine runs as root: the child runs as a dedicated
  unprivileged uid, owning only its run folder, so file permissions make the
  rest read-only. After each child every process of that uid is killed. The
  network is NOT isolated in this mode. Each exercise graded at once gets its
  own uid from CFFI_COURSE_SANDBOX_UID up; two engines running at once on one
  machine would share that range, so give each its own (or run them one after
  the other).
* ``none``: nothing beyond the engine's usual process group, time and memory
  limits. ``reason`` says why nothing stronger is available.

macOS and Windows have no bubblewrap: there ``detect`` gives ``none`` (with the
reason) unless the engine runs as root on macOS, where ``user`` works as on Linux.
Windows has no setuid either: ``none`` always.

``CFFI_COURSE_SANDBOX`` (bwrap, user or none) forces a kind, for tests and for
instructors who know their machine; a forced kind that cannot work here gives
``none`` with the reason.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import protocol

ENV_VAR = "CFFI_COURSE_SANDBOX"
UID_VAR = "CFFI_COURSE_SANDBOX_UID"  # first uid of the "user" kind's pool
DEFAULT_UID = 64000  # below 65536 (Docker's default uid map), above distributions' system and user ranges
KINDS = ("bwrap", "user", "none")
INSTALL = (
    "install bubblewrap (Debian/Ubuntu: apt install bubblewrap; Fedora: dnf install bubblewrap; "
    "Arch: pacman -S bubblewrap; Alpine: apk add bubblewrap)"
)

# Signals a learner's code dies of; bwrap reports such a death as exit code 128+N.
_CRASH_SIGNALS = {
    getattr(signal, n)
    for n in ("SIGSEGV", "SIGBUS", "SIGABRT", "SIGFPE", "SIGILL", "SIGKILL", "SIGXCPU", "SIGXFSZ", "SIGTERM", "SIGSYS")
    if hasattr(signal, n)
}


@dataclass
class Sandbox:
    kind: str  # "bwrap", "user" or "none"
    reason: str = ""  # why no stronger kind is used ("" for bwrap)
    tool: str = ""  # the bwrap executable
    uid_base: int = DEFAULT_UID
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _busy: set = field(default_factory=set, repr=False)

    @property
    def isolated(self) -> bool:
        return self.kind != "none"

    def describe(self) -> str:
        """One line for the report."""
        if self.kind == "bwrap":
            return "Isolation: bwrap (each check's process: read-only system, no network, own PID namespace)."
        if self.kind == "user":
            return (
                "Isolation: user (each check's process runs as a separate unprivileged uid; "
                f"the network is NOT isolated: {self.reason})."
            )
        return f"Isolation: none ({self.reason})."

    # --- the "user" kind: one uid per running child, so killing all of a uid's
    # processes after a child ends no other participant's check.
    def acquire_uid(self) -> int:
        with self._lock:
            slot = next(i for i in range(10_000) if i not in self._busy)
            self._busy.add(slot)
        return self.uid_base + slot

    def release_uid(self, uid: int) -> None:
        kill_uid(uid)
        with self._lock:
            self._busy.discard(uid - self.uid_base)

    def wrap(
        self,
        argv: list[str],
        run_dir: Path,
        readable: Sequence[Path] = (),
        cwd: Path | None = None,
        hide: Sequence[Path] = (),
    ) -> list[str]:
        """The command that runs ``argv`` in this sandbox, from ``cwd`` (default:
        the run folder). ``run_dir`` is the only writable place; ``hide`` are
        folders the child must not see (the graded trees), hidden only when none
        of ``readable`` (the course, the engine, the cache), the interpreter or
        the run folder is inside them. The "user" kind changes no argv: it runs
        the same command with ``popen_kwargs(uid)``."""
        if self.kind != "bwrap":
            return list(argv)
        run_dir = Path(run_dir)
        cwd = Path(cwd) if cwd is not None else run_dir
        cmd = [self.tool, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        keep = [run_dir, *map(Path, readable), Path(sys.prefix), Path(sys.executable).resolve().parent]
        for folder in hide:
            folder = Path(folder)
            if folder.is_dir() and not any(_inside(k, folder) for k in keep):
                cmd += ["--tmpfs", str(folder)]
        # /tmp stays the host's, read-only (a cache or a course may live there): the
        # child's TMPDIR is in its run folder, on disk (a tmpfs would fill memory).
        cmd += [
            "--bind",
            str(run_dir),
            str(run_dir),
            # A user namespace even when the engine runs as root: inside, uid nobody
            # with no capabilities, and mounts that cannot be made writable again.
            "--unshare-all",
            "--unshare-user",
            "--uid",
            "65534",
            "--gid",
            "65534",
            "--cap-drop",
            "ALL",
            "--die-with-parent",
            "--new-session",
            "--chdir",
            str(cwd),
            "--",
            *argv,
        ]
        return cmd

    def popen_kwargs(self, uid: int | None) -> dict:
        if self.kind == "user" and uid is not None:
            return {"user": uid, "group": uid, "extra_groups": []}
        return {}

    def returncode(self, code: int | None) -> int | None:
        """bwrap exits with 128+N when the child died of signal N: give it back as
        the signal (-N), as Popen reports it without a sandbox. (A learner's own
        exit(139) then reads as a segmentation fault: not a pass either way.)"""
        if self.kind == "bwrap" and code is not None and code > 128 and (code - 128) in _CRASH_SIGNALS:
            return -(code - 128)
        return code


def _inside(child: Path, parent: Path) -> bool:
    try:
        Path(child).resolve().relative_to(Path(parent).resolve())
        return True
    except ValueError:
        return False


def kill_uid(uid: int) -> None:
    """End every process of ``uid`` (double forks and new sessions included): a
    helper that becomes that uid and sends SIGKILL to -1, i.e. to every process
    it may signal, which is exactly that uid's."""
    subprocess.run(
        [
            sys.executable,
            "-S",
            "-I",
            "-c",
            "import os, signal\ntry:\n os.kill(-1, signal.SIGKILL)\nexcept OSError:\n pass",
        ],
        user=uid,
        group=uid,
        extra_groups=[],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        timeout=30,
    )


def hand_over(run_dir: Path, uid: int) -> None:
    """ "user" kind: the run folder (and only it) becomes the child uid's."""
    for dirpath, dirnames, filenames in os.walk(run_dir):
        for name in [dirpath, *(os.path.join(dirpath, n) for n in dirnames + filenames)]:
            os.lchown(name, uid, uid)


# A grading session on a trivial module: it imports what every child imports
# (pytest and its plugins, the engine, cffi, setuptools' compiler), so that its
# bytecode is in the sandboxed children's pycache prefix before any of them runs.
_WARM_TEST = """
import tempfile

def test_warm():
    import cffi
    from grader import build, plugin, shlib, testing  # noqa: F401
    ffi = cffi.FFI()
    ffi.cdef("int f(int);")
    ffi.set_source("_cffi_course_warm", "int f(int x) { return x; }")
    with tempfile.TemporaryDirectory() as tmp:
        ffi.compile(tmpdir=tmp)
"""
_warm_lock = threading.Lock()
_warmed: set[str] = set()


def warm_pycache(prefix: Path, env: dict) -> None:
    """Fill the bytecode prefix of sandboxed children, which they may read but
    not write (else one submission could plant bytecode that a later grade runs).
    The engine writes it, running only its own code, once per engine and
    environment: without it every sandboxed child would compile pytest anew
    (about a second). Failing to warm only makes grades slower."""
    from . import cache

    stamp = prefix / f".warm-{cache.fingerprint()}"
    with _warm_lock:
        if str(stamp) in _warmed or stamp.exists():
            _warmed.add(str(stamp))
            return
        import tempfile

        try:
            prefix.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory() as tmp:
                test = Path(tmp, "test_cffi_course_warm.py")
                test.write_text(_WARM_TEST, encoding="utf-8")
                warm_env = {k: v for k, v in env.items() if k not in (protocol.EVENTS, protocol.BUILD_OUT)}
                warm_env.update(PYTHONPYCACHEPREFIX=str(prefix), HOME=tmp, TMPDIR=tmp)
                done = subprocess.run(
                    [sys.executable, "-m", "grader.child", str(test)],
                    cwd=tmp,
                    env=warm_env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=300,
                    check=False,
                )
            if done.returncode == 0:
                stamp.touch()
        except (OSError, subprocess.SubprocessError):
            pass
        _warmed.add(str(stamp))


def _probe(cmd: list[str], **kwargs) -> str:
    """'' when ``cmd`` runs and imports the engine, else what went wrong."""
    from .manifest import ROOT

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    try:
        proc = subprocess.run(
            cmd,
            env=env,
            cwd="/",
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            **kwargs,
        )
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        return str(exc)
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
    return ""


PROBE = [sys.executable, "-c", "import grader.child, cffi, pytest"]


@functools.cache
def _bwrap_problem() -> tuple[str, str]:
    """(path of bwrap, '') when bwrap can run the engine here, else ('', why not)."""
    if not sys.platform.startswith("linux"):
        return "", f"bubblewrap is Linux-only (this is {sys.platform})"
    tool = shutil.which("bwrap")
    if not tool:
        return "", f"bwrap is not installed: {INSTALL}"
    probe_dir = Path(os.environ.get("TMPDIR", "/tmp"))
    import tempfile

    with tempfile.TemporaryDirectory(dir=probe_dir if probe_dir.is_dir() else None) as tmp:
        sb = Sandbox("bwrap", tool=tool)
        # Namespaces are what may fail; the machine is seen read-only, as outside.
        # (Importing the engine here would cost half a second on every room.)
        problem = _probe(sb.wrap([sys.executable, "-S", "-c", "pass"], Path(tmp)))
    if problem:
        return "", (
            f"bwrap cannot start a sandbox here ({problem}); user namespaces are probably "
            "disabled (Docker without --privileged, or kernel.unprivileged_userns_clone=0)"
        )
    return tool, ""


@functools.cache
def _user_problem(uid: int, cache_folder: str) -> str:
    if os.name != "posix":
        return "a separate uid needs POSIX (this is Windows)"
    if os.geteuid() != 0:
        return "a separate uid needs the engine to run as root"
    problem = _probe(PROBE, user=uid, group=uid, extra_groups=[])
    if problem:
        return (
            f"uid {uid} cannot run the engine ({problem}): the interpreter, its packages and the course "
            "must be readable by every user (chmod -R o+rX)"
        )
    # The child's run folder is in the cache: the uid must be able to reach it.
    reach = Path(cache_folder)
    while not reach.exists() and reach.parent != reach:
        reach = reach.parent
    if _probe(
        [sys.executable, "-S", "-c", "import os, sys; os.listdir(sys.argv[1])", str(reach)],
        user=uid,
        group=uid,
        extra_groups=[],
    ):
        return (
            f"uid {uid} cannot reach the cache folder ({reach}): point CFFI_COURSE_CACHE at a folder "
            "every user can enter (e.g. /var/cache/cffi-course)"
        )
    return ""


def detect(want: str | None = None) -> Sandbox:
    """The strongest sandbox that works here, or the kind ``want`` (or
    ``CFFI_COURSE_SANDBOX``) names; ``none`` with the reason when it cannot work."""
    want = (os.environ.get(ENV_VAR) or want or "").strip().lower() or None
    if want is not None and want not in KINDS:
        return Sandbox("none", f"{ENV_VAR}={want} is not one of {', '.join(KINDS)}")
    if want == "none":
        return Sandbox("none", f"{ENV_VAR}=none")
    uid_base = int(os.environ.get(UID_VAR, DEFAULT_UID))
    reasons = []
    if want in (None, "bwrap"):
        tool, problem = _bwrap_problem()
        if tool:
            return Sandbox("bwrap", tool=tool, uid_base=uid_base)
        reasons.append(problem)
    if want in (None, "user"):
        from .cache import cache_root

        problem = _user_problem(uid_base, str(cache_root()))
        if not problem:
            return Sandbox(
                "user", "bwrap unavailable: " + "; ".join(reasons) if reasons else f"{ENV_VAR}=user", uid_base=uid_base
            )
        reasons.append(problem)
    return Sandbox("none", "; ".join(reasons))
