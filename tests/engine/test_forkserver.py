"""The fork server (grader/forkserver.py): a child forked from it starts as
``python -m grader.child`` would, reports how it ended, dies with its group, and
nothing outlives the engine; a server that dies or cannot start is not asked again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from helpers import HAS_PROC, check_started, processes_mentioning

from grader import forkserver, procs
from grader import protocol as proto
from grader.manifest import ROOT
from grader.runner import CHILD_FLAGS

pytestmark = pytest.mark.skipif(not forkserver.available({}), reason="the fork server is used on Linux only")

FACTS = """
import faulthandler, json, os, sys

def test_facts():
    facts = {
        "cwd": os.getcwd(),
        "argv": sys.argv[1:],
        "path0": sys.path[0],
        "env": {k: v for k, v in os.environ.items() if k.startswith(("GRADER_", "MY_"))},
        "stdin": os.read(0, 10).decode(),
        "group_leader": os.getpgid(0) == os.getpid(),
        "faulthandler": faulthandler.is_enabled(),
        "executable": sys.executable,
    }
    print("FACTS" + json.dumps(facts), flush=True)
    print("to stderr", file=sys.stderr, flush=True)
"""


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", proto.PREFIX))}
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        PYTHONFAULTHANDLER="1",
        PYTHONPYCACHEPREFIX=str(tmp_path / "pycache"),
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        **extra,
    )
    return env


@pytest.fixture
def server(tmp_path):
    marker = tmp_path / "cache-root"
    s = forkserver.Server([sys.executable, *CHILD_FLAGS, "-m", "grader.forkserver", str(marker)], _env(tmp_path))
    yield s
    s.close()


def _grader(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "graders"
    folder.mkdir(exist_ok=True)
    path = folder / "test_it.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    (tmp_path / "work").mkdir(exist_ok=True)
    return path


def _finish(proc) -> tuple[int, str]:
    out = proc.stdout.read().decode()
    proc.stdout.close()
    return proc.wait(60), out


def test_a_forked_child_starts_as_a_new_process_would(server, tmp_path):
    grader = _grader(tmp_path, FACTS)
    env = _env(tmp_path, GRADER_EXERCISE="01_setup/hello", MY_SETTING="one")
    work = tmp_path / "work"
    forked = _finish(server.start_child([str(grader)], env, str(work)))
    started = subprocess.run(
        [sys.executable, *CHILD_FLAGS, "-m", "grader.child", str(grader)],
        env=env,
        cwd=work,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        timeout=60,
        check=False,
    )
    new = (started.returncode, started.stdout.decode())
    facts = [json.loads(out.split("FACTS", 1)[1].splitlines()[0]) for _, out in (forked, new)]
    assert facts[0] == facts[1], f"forked: {facts[0]}\nstarted anew: {facts[1]}"
    assert facts[0]["env"] == {"GRADER_EXERCISE": "01_setup/hello", "MY_SETTING": "one"}
    assert facts[0]["group_leader"], "a group of its own, so that killpg() ends it and what it starts"
    assert forked[0] == new[0] == 0, f"exit statuses {forked[0]} and {new[0]}:\n{forked[1]}"
    assert "to stderr" in forked[1], "stderr goes to the same pipe as stdout"


@pytest.mark.parametrize(
    ("ending", "expected"),
    [("os._exit(5)", 5), ("os.kill(os.getpid(), signal.SIGSEGV)", -signal.SIGSEGV), ("pass", 0)],
)
def test_how_the_child_ended_comes_through_as_popen_says_it(server, tmp_path, ending, expected):
    grader = _grader(tmp_path, f"import os, signal\n\ndef test_end():\n    {ending}\n")
    code, out = _finish(server.start_child([str(grader)], _env(tmp_path), str(tmp_path / "work")))
    assert code == expected, f"{ending}: the engine was told {code}, expected {expected}\n{out}"


def test_killing_the_group_ends_the_child_and_what_it_started(server, tmp_path):
    marker = str(tmp_path / "grandchild-marker")
    grader = _grader(
        tmp_path,
        f"""
        import subprocess, sys, time

        def test_hang():
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", {marker!r}])
            time.sleep(120)
        """,
    )
    child = server.start_child([str(grader)], _env(tmp_path), str(tmp_path / "work"))
    deadline = time.monotonic() + 60
    while HAS_PROC and not processes_mentioning(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    procs.kill_tree(child)
    assert child.wait(10) == -signal.SIGKILL
    child.stdout.close()
    if HAS_PROC:
        deadline = time.monotonic() + 10
        while processes_mentioning(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert processes_mentioning(marker) == [], "what the child started outlived its group's kill"


def test_a_dead_server_is_told_apart_and_not_asked_again(server, tmp_path):
    grader = _grader(tmp_path, "import time\n\ndef test_hang():\n    time.sleep(120)\n")
    child = server.start_child([str(grader)], _env(tmp_path), str(tmp_path / "work"))
    assert server._proc is not None
    os.kill(server._proc.pid, signal.SIGKILL)
    child.wait(30)
    child.stdout.close()
    assert child.lost, "the engine must not take the server's death for the child's"
    with pytest.raises(forkserver.ServerLost):
        server.start_child([str(grader)], _env(tmp_path), str(tmp_path / "work"))
    with pytest.raises(forkserver.ServerLost):  # and not again
        server.start_child([str(grader)], _env(tmp_path), str(tmp_path / "work"))
    procs.kill_tree(child)


def test_a_server_that_cannot_start_is_not_asked_again(tmp_path):
    broken = forkserver.Server([sys.executable, "-c", "import sys; sys.exit(3)"], _env(tmp_path))
    for _ in range(2):
        with pytest.raises(forkserver.ServerLost, match="did not start"):
            broken.start_child(["x"], _env(tmp_path), str(tmp_path))
    broken.close()


@pytest.mark.skipif(not HAS_PROC, reason="watches processes through /proc")
def test_nothing_outlives_the_engine(tmp_path):
    """An engine killed with SIGKILL closes nothing: the server sees its parent change,
    kills its children and exits."""
    marker = str(tmp_path / "engine-cache")
    grader = _grader(tmp_path, "import time\n\ndef test_hang():\n    time.sleep(120)\n")
    engine = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from grader import forkserver
                from grader.runner import CHILD_FLAGS
                env = {_env(tmp_path)!r}
                s = forkserver.Server([sys.executable, *CHILD_FLAGS, "-m", "grader.forkserver", {marker!r}], env)
                child = s.start_child([{str(grader)!r}], env, {str(tmp_path / "work")!r})
                print(child.pid, flush=True)
                time.sleep(120)
                """
            ),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        child_pid = int(engine.stdout.readline())
        assert any(line.startswith(f"{child_pid}:") for line in processes_mentioning(marker)), (
            "a forked child's command line is its server's: it names the cache, as the leftover checks expect"
        )
    finally:
        engine.kill()
        engine.wait()
        engine.stdout.close()
    deadline = time.monotonic() + 10
    while processes_mentioning(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_mentioning(marker) == [], "the server or its child outlived the engine"


def test_a_server_that_dies_mid_grade_is_not_the_learners_verdict(fault_course, tmp_path, monkeypatch):
    """Kill the server while cloop's check loops in C: the engine does not report the
    child's end as the learner's (a kill from outside); it grades again, starting the
    children itself, and keeps the verdict that grade gives: the time limit."""
    import threading

    from grader import cache, manifest, runner

    course = manifest.load(fault_course / "course.toml")
    ex = next(e for e in course.exercises if e.id == "03_hang/cloop")
    cache_root = tmp_path / "cache"
    cache.claim(cache_root)
    settings = runner.Settings(test_timeout=3)
    live = procs.LiveProcesses()
    found: list[forkserver.Server] = []

    def kill_the_server_once_spinning() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not found:
            if check_started(cache_root, "test_cloop.py::test_spin"):
                found.extend(s for s in forkserver._servers.values() if s._proc is not None)
                for server in found:
                    os.kill(server._proc.pid, signal.SIGKILL)
                return
            time.sleep(0.05)

    monkeypatch.setattr(forkserver, "_eligible", 1)  # not this process's first child: forked
    monkeypatch.delenv(forkserver.ENV_VAR, raising=False)  # even in a run that turns the server off
    killer = threading.Thread(target=kill_the_server_once_spinning)
    killer.start()
    try:
        result = runner.grade(
            ex, fault_course, fault_course / "exercises", "exercises", cache_root, settings, "f" * 32, live
        )
    finally:
        killer.join()
        forkserver.close_all()
    assert found, "the server was never seen running cloop's endless check"
    assert result.status == "timeout", (
        f"{result.status}: {result.message}\n{[(t.name, t.status, t.message) for t in result.tests]}"
    )
    assert [t.status for t in result.tests] == ["pass", "timeout", "timeout"]
    kept = [json.loads(p.read_text(encoding="utf-8")) for p in (cache_root / "verdicts").glob("*.json")]
    assert [v["status"] for v in kept] == ["timeout"], "the verdict kept is the second grade's"


def test_a_server_that_stops_answering_costs_a_grade_a_time_limit_not_a_hang(server, tmp_path, monkeypatch):
    grader = _grader(tmp_path, "def test_nothing():\n    pass\n")
    code, out = _finish(server.start_child([str(grader)], _env(tmp_path), str(tmp_path / "work")))
    assert code == 0, out
    assert server._sock is not None
    assert server._proc is not None
    monkeypatch.setattr(forkserver, "ANSWER_TIMEOUT", 1.0)
    os.kill(server._proc.pid, signal.SIGSTOP)
    try:
        began = time.monotonic()
        with pytest.raises(forkserver.ServerLost):
            server.start_child([str(grader)], _env(tmp_path), str(tmp_path / "work"))
        assert time.monotonic() - began < 30, "the engine waited on a server that did not answer"
    finally:
        if server._proc is not None:
            os.kill(server._proc.pid, signal.SIGCONT)
