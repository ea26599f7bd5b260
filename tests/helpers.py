"""Helpers for the course's tests (tests/engine, tests/course): run `python -m grader` on the
fault course or on the course itself, snapshot a folder, find processes left behind."""

from __future__ import annotations

import ast
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAULT_COURSE = ROOT / "tests" / "engine" / "faultcourse"
HAS_PROC = Path("/proc/self/cmdline").exists()


_workers_separated = False
# An engine takes one uid per exercise it grades at once: --jobs, by default one per core.
UIDS_PER_WORKER = max(8, os.cpu_count() or 1)


def separate_test_workers() -> None:
    """Under pytest-xdist (nox -s tests runs the suite in one worker per core), give this
    worker its own range of sandbox uids: the "user" sandbox kills every process of its uid
    after each child (grader/sandbox.py), so two workers' engines must never share one. The
    workers share the cache (CFFI_COURSE_CACHE), as two engines may. Called by both
    conftests; the first call does it."""
    global _workers_separated
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, ... (unset without xdist)
    if _workers_separated or not worker.startswith("gw"):
        return
    from grader import sandbox

    base = int(os.environ.get(sandbox.UID_VAR, sandbox.DEFAULT_UID))
    os.environ[sandbox.UID_VAR] = str(base + UIDS_PER_WORKER * int(worker[2:]))
    _workers_separated = True


@functools.cache
def uses_fault_grade(path: Path) -> bool:
    """Whether a test file of tests/engine has a test or fixture that requests the session's
    grade of the fault course (``fault_grade``, tests/engine/conftest.py): such files share
    one xdist worker, so that the course is graded once."""
    if path.parent.name != "engine" or not path.name.startswith("test_") or not path.is_file():
        return False
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.FunctionDef) and "fault_grade" in {arg.arg for arg in node.args.args}
        for node in ast.walk(tree)
    )


def default_sigint() -> None:
    """preexec_fn for a child that a test stops with SIGINT. A shell starts a
    background job with SIGINT ignored, and Python keeps an ignored SIGINT
    ignored, so a suite run in the background (nohup, `&`) would see Ctrl-C
    tests fail for a reason that is not the engine's: the child gets Python's
    own handler back, as it has when started from a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def grader_env(cache: Path) -> dict[str, str]:
    """The environment of a grade: the engine importable from anywhere, the
    given cache, no colour (the report is read as text)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        CFFI_COURSE_CACHE=str(cache),
        NO_COLOR="1",
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    )
    return env


def grader_command(course: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "grader", "--course", str(course), *args]


def run_grader(
    course: Path, cache: Path, *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Grade `course` as a learner would: from inside the course folder (so
    paths show as `exercises/...`), with `args` (and `env` over the usual environment).
    Never raises on a non-zero exit."""
    return subprocess.run(
        grader_command(course, *args),
        cwd=course,
        env={**grader_env(cache), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def grade_course(
    args: list[str], cache: Path, json_out: Path, timeout: float = 600
) -> tuple[dict, subprocess.CompletedProcess]:
    """Grade the course itself as a learner would, `python -m grader ARGS --json JSON_OUT` from the
    repository's root, and return (report, process); the engine must exit 0."""
    env = dict(os.environ, CFFI_COURSE_CACHE=str(cache), NO_COLOR="1")
    proc = subprocess.run(
        [sys.executable, "-m", "grader", *args, "--json", str(json_out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, f"grader exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return json.loads(json_out.read_text(encoding="utf-8")), proc


def read_report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def by_id(report: dict) -> dict[str, dict]:
    return {e["id"]: e for e in report["exercises"]}


def checks_of(entry: dict) -> dict[str, dict]:
    return {t["name"]: t for t in entry["tests"]}


def copy_course(dest: Path) -> Path:
    shutil.copytree(FAULT_COURSE, dest, ignore=shutil.ignore_patterns("__pycache__", ".ruff_cache"))
    return dest


def snapshot(tree: Path) -> dict[str, bytes]:
    """Every file under `tree` (hidden ones included), by relative path, with its bytes;
    folders too, so that an empty __pycache__ counts as a change."""
    out: dict[str, bytes] = {}
    for p in sorted(tree.rglob("*")):
        rel = p.relative_to(tree).as_posix()
        out[rel + "/" if p.is_dir() else rel] = b"" if p.is_dir() else p.read_bytes()
    return out


def tree_changes(before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, list[str]]:
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": sorted(p for p in before.keys() & after.keys() if before[p] != after[p]),
    }


def processes_mentioning(*markers: str) -> list[str]:
    """Command lines of live processes (other than this one) that mention any
    marker, e.g. a course or cache path. Zombies have no command line."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except OSError:
            continue  # ended while we looked
        if cmdline and any(m in cmdline for m in markers):
            found.append(f"{entry.name}: {cmdline}")
    return found


def check_started(cache: Path, check: str) -> bool:
    """A grading child under ``cache`` has started the check whose node id ends with
    ``check``: its events say so. (A child forked from the fork server has the server's
    command line, so the events, not the command lines, tell the children apart.)"""
    from grader import protocol as proto

    for path in cache.glob("runs/*/events-*.jsonl"):
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue  # its grade ended while we looked
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue  # being written
            if event.get(proto.KIND) == proto.START and str(event.get(proto.TEST, "")).endswith(check):
                return True
    return False
