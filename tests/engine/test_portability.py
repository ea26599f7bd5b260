"""Platform branches that cannot all run here, with the platform faked: starting and
killing a process tree on Windows, resource limits where there are none, and printing
the report's marks on a console whose code page cannot encode them. (Windows exit
codes are in test_procs.py, library names in test_shlib.py, paths with spaces and
accents in test_paths.py, the doctor's advice per system in test_tools.py.)"""

from __future__ import annotations

import io
import subprocess
import sys

from grader import printable_output, procs


class FakeProc:
    def __init__(self, pid=4242, alive=False):
        self.pid = pid
        self.alive = alive
        self.killed = False

    def poll(self):
        return None if self.alive else 1

    def kill(self):
        self.killed = True


def test_windows_children_get_their_own_process_group(monkeypatch):
    monkeypatch.setattr(procs, "IS_WINDOWS", True)
    flags = procs.popen_kwargs()
    assert set(flags) == {"creationflags"}
    assert flags["creationflags"] == getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200) == 0x200
    monkeypatch.setattr(procs, "IS_WINDOWS", False)
    assert procs.popen_kwargs() == {"start_new_session": True}


def test_windows_kills_the_whole_tree_with_taskkill(monkeypatch):
    calls = []
    monkeypatch.setattr(procs, "IS_WINDOWS", True)
    monkeypatch.setattr(procs.subprocess, "run", lambda argv, **kw: calls.append(argv))
    monkeypatch.setattr(procs.os, "killpg", lambda *a: calls.append(("killpg", *a)), raising=False)
    proc = FakeProc(alive=True)
    procs.kill_tree(proc)
    assert calls == [["taskkill", "/F", "/T", "/PID", "4242"]], "the tree, by PID, forced; no POSIX process group"
    assert proc.killed, "a child that survives taskkill is killed directly"


def test_posix_kills_the_process_group(monkeypatch):
    calls = []
    monkeypatch.setattr(procs, "IS_WINDOWS", False)
    monkeypatch.setattr(procs.os, "killpg", lambda pid, sig: calls.append((pid, sig)), raising=False)
    procs.kill_tree(FakeProc())
    assert calls == [(4242, procs.signal.SIGKILL)]


def test_no_rlimits_on_windows(monkeypatch):
    monkeypatch.setattr(procs, "IS_WINDOWS", True)
    monkeypatch.setitem(sys.modules, "resource", None)  # importing it would raise: Windows has no such module
    procs.limit_child_resources(512 * 1024 * 1024)  # returns without touching anything


def _stream(encoding):
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, write_through=True)


def test_a_code_page_console_gets_question_marks_instead_of_a_crash():
    stream = _stream("cp1252")
    printable_output([stream])
    stream.write("✓ pass · ✗ fail")
    assert stream.buffer.getvalue() == b"? pass \xb7 ? fail"


def test_a_utf8_console_is_left_alone():
    stream = _stream("utf-8")
    printable_output([stream])
    assert stream.errors == "strict"
    stream.write("✓")
    assert stream.buffer.getvalue() == "✓".encode()
