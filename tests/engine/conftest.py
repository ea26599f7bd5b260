"""Fixtures for the engine's own tests.

The fault course (``faultcourse/``) is graded once per session, from a copy in
a temporary folder, with its own cache; most tests read that one report.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from engine_helpers import HAS_PROC, processes_mentioning, read_report, run_grader, snapshot

# The fault course's graders run only through the engine, never in this session.
collect_ignore = ["faultcourse"]

# Tests whose verdict cannot depend on the interpreter: pure-Python formatting and
# parsing, no cffi, no build, no process. They get the `same_on_pypy` marker and
# `nox -s tests-pypy` leaves them out (`nox -s tests` runs them on CPython). A test file
# that builds, grades, loads cffi or starts a process never belongs here.
SAME_ON_PYPY = {
    "test_crash_report.py",  # the report rendered from hand-made results
    "test_events.py",  # the event reader and the result model, fed made-up lines
    "test_learner_paths.py",  # the scratch copy's paths mapped to the learner's, from made-up text
    "test_manifest_load.py",  # course.toml read into the manifest
    "test_report.py",  # the terminal report rendered from hand-made results
    "test_room.py",  # the room's table and CSV from made-up verdicts
    "test_session.py",  # the session's pool and Ctrl-C around a stand-in grade; the command prelude
}
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.parent == HERE and item.path.name in SAME_ON_PYPY:
            item.add_marker(pytest.mark.same_on_pypy)

TIMEOUT = "3"  # seconds per check in the session grade: the endless loops cost this much


@dataclass
class Grade:
    course: Path  # the graded copy of the fault course
    cache: Path
    report: dict
    proc: subprocess.CompletedProcess
    json_path: Path
    before: dict[str, bytes]  # snapshot of the course copy before grading...
    after: dict[str, bytes]  # ...and after
    leftovers: list[str]  # processes still running right after the grade, if any
    seconds: float


@pytest.fixture(scope="session")
def engine_cache(tmp_path_factory) -> Path:
    """The session's cache: outside the repository and the graded course."""
    return tmp_path_factory.mktemp("engine-cache")


@pytest.fixture(scope="session")
def fault_course(tmp_path_factory) -> Path:
    """A copy of the fault course that nothing in this session edits."""
    from engine_helpers import copy_course

    return copy_course(tmp_path_factory.mktemp("graded") / "faultcourse")


@pytest.fixture(scope="session")
def fault_grade(fault_course, engine_cache, tmp_path_factory) -> Grade:
    """The whole fault course graded once, cold, as `python -m grader --course ... --json ...`."""
    json_path = tmp_path_factory.mktemp("report") / "report.json"
    before = snapshot(fault_course)
    began = time.monotonic()
    proc = run_grader(fault_course, engine_cache, "--json", str(json_path), "--timeout", TIMEOUT)
    seconds = time.monotonic() - began
    leftovers = processes_mentioning(str(fault_course), str(engine_cache)) if HAS_PROC else []
    after = snapshot(fault_course)
    assert proc.returncode == 0, f"grader exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return Grade(fault_course, engine_cache, read_report(json_path), proc, json_path, before, after, leftovers,
                 seconds)
