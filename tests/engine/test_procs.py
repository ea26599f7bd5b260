"""procs: naming the signal a process died of, on POSIX and on Windows."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader import procs


@pytest.mark.parametrize(
    ("returncode", "name"),
    [
        (-signal.SIGSEGV, "SIGSEGV"),
        (-signal.SIGABRT, "SIGABRT"),
        (-signal.SIGKILL, "SIGKILL"),
        (-signal.SIGFPE, "SIGFPE"),
        (-200, "signal 200"),  # no such signal: still named, by number
    ],
)
def test_posix_signal_deaths(returncode, name):
    assert procs.crash_signal(returncode, windows=False) == name


@pytest.mark.parametrize("returncode", [0, 1, 2, 3, 70, 134, 139, None])
def test_posix_exits_are_not_crashes(returncode):
    # 139 is what a *shell* reports for a segfault; Popen reports -11.
    assert procs.crash_signal(returncode, windows=False) is None


@pytest.mark.parametrize(
    ("returncode", "name"),
    [
        (0xC0000005, "SIGSEGV"),  # access violation, as Popen reports it (unsigned)...
        (-1073741819, "SIGSEGV"),  # ...and its signed 32-bit form
        (0xC00000FD, "SIGSEGV"),  # stack overflow
        (-1073741571, "SIGSEGV"),
        (0xC0000409, "SIGABRT"),  # fail-fast, abort() in the UCRT
        (-1073740791, "SIGABRT"),
        (0xC0000374, "SIGABRT"),  # heap corruption
        (0xC0000094, "SIGFPE"),  # integer division by zero
        (0xC000001D, "SIGILL"),
    ],
)
def test_windows_ntstatus_crashes(returncode, name):
    assert procs.crash_signal(returncode, windows=True) == name


@pytest.mark.parametrize("returncode", [0, 1, 3, 255, 0xC000013A, None])
def test_windows_exits_are_not_crashes(returncode):
    # 3 is abort()'s exit code on Windows, and also an ordinary exit code;
    # 0xC000013A is STATUS_CONTROL_C_EXIT, an interrupt, not a bug in C.
    assert procs.crash_signal(returncode, windows=True) is None


def test_every_windows_crash_has_plain_words():
    for code, name in procs.WINDOWS_CRASH_CODES.items():
        happened, causes = procs.describe_signal(name)
        assert not happened.startswith("the signal"), f"{code:#x} -> {name} has no plain words"
        assert causes


def test_describe_signal():
    happened, causes = procs.describe_signal("SIGSEGV")
    assert "segmentation fault" in happened
    assert "NULL" in causes
    happened, causes = procs.describe_signal("SIGABRT")
    assert "abort" in happened
    assert "free()" in causes
    happened, causes = procs.describe_signal("SIGUSR1")
    assert happened == "the signal SIGUSR1"
    assert causes


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for its reaper)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs POSIX process groups and /proc")
def test_kill_tree_ends_the_whole_group():
    script = (
        "import subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, **procs.popen_kwargs())
    try:
        grandchild = int(proc.stdout.readline())
        assert _alive(grandchild)
        procs.kill_tree(proc)
        assert proc.wait(timeout=5) == -signal.SIGKILL
        procs.kill_tree(proc)  # a second time is harmless
        deadline = time.monotonic() + 5
        while _alive(grandchild) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(grandchild), "the grandchild survived kill_tree"
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()


def test_limit_child_resources_caps_the_address_space():
    """The limit a grading child sets on itself (checked in a throwaway process)."""
    if sys.platform == "win32":
        pytest.skip("Windows has no rlimits; the engine relies on the time limit there")
    code = (
        "import resource\n"
        "from grader.procs import limit_child_resources\n"
        "limit_child_resources(1 << 30)\n"
        "print(resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_CORE)[0])\n"
        "try:\n"
        "    bytearray(4 << 30)\n"
        "    print('allocated')\n"
        "except MemoryError:\n"
        "    print('MemoryError')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout.split()
    assert out == [str(1 << 30), "0", "MemoryError"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_the_process_scan_sees_a_live_process(tmp_path):
    """The "no process left behind" checks rest on this scan: prove it can see one."""
    from helpers import processes_mentioning

    marker = str(tmp_path / "marker")
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", marker])
    try:
        deadline = time.monotonic() + 5
        while not processes_mentioning(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [line.split(":", 1)[0] for line in processes_mentioning(marker)] == [str(proc.pid)]
    finally:
        proc.kill()
        proc.wait()
    assert processes_mentioning(marker) == []
