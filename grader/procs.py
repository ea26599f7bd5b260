"""Start, watch and kill the child processes that run learner code, on every OS.

POSIX: each child starts in a new session (its own process group), so one
``killpg`` ends the child and anything it started. Windows has no process
groups in that sense: the child gets ``CREATE_NEW_PROCESS_GROUP`` and is ended
with ``taskkill /T /F``, which walks the process tree.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from typing import Protocol

IS_WINDOWS = sys.platform == "win32"

# Plain words for the signals a learner's C code can die from, with their usual causes.
SIGNAL_WORDS = {
    "SIGSEGV": (
        "a segmentation fault (the C code touched memory it does not own)",
        "a NULL or dangling pointer, reading past the end of an array, or memory "
        "from ffi.new() that was freed because nothing kept its owner alive",
    ),
    "SIGBUS": (
        "a bus error (a misaligned or unmapped memory access)",
        "a pointer cast to the wrong type, or a file-backed buffer that went away",
    ),
    "SIGABRT": (
        "an abort (the C library stopped the program on purpose)",
        "free() on memory that malloc() did not return (for example ffi.new() memory), "
        "a double free, heap corruption, or a failed assert()",
    ),
    "SIGFPE": (
        "an arithmetic error",
        "an integer division by zero, or INT_MIN / -1",
    ),
    "SIGILL": (
        "an illegal instruction",
        "a corrupted function pointer, or code built for another CPU",
    ),
    "SIGKILL": (
        "a kill signal from outside",
        "the system ran out of memory (the kernel's OOM killer), or someone killed it",
    ),
    "SIGXCPU": ("the CPU time limit", "an endless loop"),
    "SIGXFSZ": ("the output file size limit", "printing or writing without end"),
}

# Windows reports a crash as an NTSTATUS exit code instead of a signal.
WINDOWS_CRASH_CODES = {
    0xC0000005: "SIGSEGV",  # STATUS_ACCESS_VIOLATION
    0xC0000374: "SIGABRT",  # STATUS_HEAP_CORRUPTION
    0xC0000409: "SIGABRT",  # STATUS_STACK_BUFFER_OVERRUN (also abort() in the UCRT)
    0xC0000094: "SIGFPE",  # STATUS_INTEGER_DIVIDE_BY_ZERO
    0xC000001D: "SIGILL",  # STATUS_ILLEGAL_INSTRUCTION
    0xC00000FD: "SIGSEGV",  # STATUS_STACK_OVERFLOW
    0xC0000096: "SIGILL",  # STATUS_PRIVILEGED_INSTRUCTION
    0x80000002: "SIGBUS",  # STATUS_DATATYPE_MISALIGNMENT
}


def crash_signal(returncode: int | None, windows: bool = IS_WINDOWS) -> str | None:
    """Name the signal a process died of, or None when it exited normally.

    ``returncode`` is what ``Popen.returncode`` holds: negative for a signal on
    POSIX; an unsigned NTSTATUS (or its signed 32-bit form) on Windows. An
    ``abort()`` on Windows exits with code 3, which is also an ordinary exit
    code, so it is reported as an early exit, not a crash.
    """
    if returncode is None:
        return None
    if windows:
        code = returncode & 0xFFFFFFFF
        return WINDOWS_CRASH_CODES.get(code)
    if returncode < 0:
        try:
            return signal.Signals(-returncode).name
        except ValueError:
            return f"signal {-returncode}"
    return None


def describe_signal(name: str) -> tuple[str, str]:
    """(what happened, common causes) in plain words."""
    return SIGNAL_WORDS.get(name, (f"the signal {name}", "a bug in the C code"))


def popen_kwargs() -> dict:
    """Keyword arguments that put a child in its own killable group."""
    if IS_WINDOWS:
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)}
    return {"start_new_session": True}


class Child(Protocol):
    """What the engine uses of a child: a subprocess.Popen, or a forkserver.ForkedChild."""

    pid: int

    def poll(self) -> int | None: ...

    def kill(self) -> None: ...


def kill_tree(proc: Child) -> None:
    """End the child and everything it started. Safe to call more than once."""
    if IS_WINDOWS:
        # taskkill /T walks the tree from the child's PID; it fails harmlessly
        # when the process is already gone.
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(proc.pid)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if proc.poll() is None:
        try:
            proc.kill()
        except OSError:
            pass


class LiveProcesses:
    """Every child still running, so Ctrl-C can end them all at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[Child] = set()
        self.cancelled = threading.Event()

    def add(self, proc: Child) -> None:
        with self._lock:
            self._procs.add(proc)
        if self.cancelled.is_set():
            kill_tree(proc)

    def discard(self, proc: Child) -> None:
        with self._lock:
            self._procs.discard(proc)

    def kill_all(self) -> None:
        self.cancelled.set()
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            kill_tree(proc)


def limit_child_resources(memory_bytes: int | None) -> None:
    """Called inside the child, before any learner code runs.

    POSIX: an address-space limit turns a runaway allocation into a failed
    malloc() (NULL, MemoryError) instead of the machine swapping, and core
    dumps are switched off. Windows has no rlimits: there the limit is not set
    (a Job Object could do it; the per-test time limit still ends a runaway).
    """
    if IS_WINDOWS:
        return
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass
    if memory_bytes:
        try:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard == resource.RLIM_INFINITY or hard > memory_bytes:
                resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
        except (ValueError, OSError):
            pass
