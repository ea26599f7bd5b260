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
from helpers import (
    HAS_PROC,
    processes_mentioning,
    read_report,
    run_grader,
    separate_test_workers,
    snapshot,
    uses_fault_grade,
)

# The fault course's graders run only through the engine, never in this session.
collect_ignore = ["faultcourse"]

# Tests whose verdict cannot depend on the interpreter. They get the `same_on_pypy` marker
# and `nox -s tests-pypy` leaves them out (`nox -s tests` runs them on CPython). Two kinds:
# pure-Python formatting and parsing (no cffi, no build, no process), and the engine's own
# decisions around a grade: which exercises a command selects, what catch-up, reset and
# watch do with files, which hint comes next, two engines sharing a cache, the scaffold.
# Those are the same Python on both interpreters; what a grading child does there
# (crashes, hangs, time limits, damaged bytecode, the sandbox, Ctrl-C) is tested on PyPy by
# test_faults, test_cache_faults, test_sandbox, test_interrupt and the rest, which never
# belong here.
SAME_ON_PYPY = {
    "test_crash_report.py",  # the report rendered from hand-made results
    "test_events.py",  # the event reader and the result model, fed made-up lines
    "test_learner_paths.py",  # the scratch copy's paths mapped to the learner's, from made-up text
    "test_embedding_messages.py",  # lesson 16's init-code lines mapped to the builder's, from made-up text
    "test_manifest_load.py",  # course.toml read into the manifest
    "test_report.py",  # the terminal report rendered from hand-made results
    "test_room.py",  # the room's table and CSV from made-up verdicts
    "test_session.py",  # the session's pool and Ctrl-C around a stand-in grade; the command prelude
    "test_cli.py",  # selectors, exit codes, options: the command line's decisions
    "test_tools.py",  # reset, catch-up, progress and watch: files and records
    "test_hints.py",  # which hint a run shows
    "test_concurrency.py",  # two engines sharing one cache (file locks)
    "test_scaffold.py",  # a new exercise's files from the template
    "test_parallel_suite.py",  # the suite's own xdist plumbing: environment variables and file texts
}
# Tests that take more than a few seconds each on an idle 2-core machine (with the
# fixture they share), marked `slow` so that `-m "not slow"` is a fast loop for
# maintainers; "file" covers a whole file, "file::test" one test (all its parameters).
# The session's fault course grade (fault_grade) is not among them: most tests read it.
SLOW = {
    "test_sandbox.py::test_the_room_ran_sandboxed",  # the hostile room, graded once per sandbox kind
    "test_sandbox.py::test_another_participants_file_is_untouched_and_scores",
    "test_sandbox.py::test_the_course_and_the_cache_are_read_only",
    "test_sandbox.py::test_a_forged_build_does_not_reach_another_grade",
    "test_sandbox.py::test_a_fifo_in_place_of_the_events_file_does_not_hang_the_room",
    "test_sandbox.py::test_no_process_outlives_its_check_and_the_report_stands",
    "test_sandbox.py::test_no_network_and_no_engine_process_in_reach",
    "test_sandbox.py::test_crashes_still_read_as_crashes_and_builds_reach_the_cache",
    "test_memcheck.py::test_memcheck_stops_each_bug_at_its_line",  # memcheck_grade: the fault course under ASan
    "test_memcheck.py::test_memcheck_names_the_line_of_a_null_dereference",
    "test_memcheck.py::test_memcheck_leaves_the_tree_alone",
    "test_memcheck.py::test_memcheck_verdicts_are_kept_apart_from_normal_ones",
    "test_interrupt.py",  # Ctrl-C in the middle of a grade
    "test_concurrency.py",  # two grades at once
    "test_tools.py::test_catchup_fills_in_earlier_lessons_only_and_backs_up",
    "test_tools.py::test_catchup_leaves_an_exercise_that_passes_with_the_learners_own_code",
    "test_tools.py::test_catchup_grades_the_files_as_they_are_now_not_as_last_recorded",
    "test_tools.py::test_progress_is_kept_outside_the_tree_and_names_the_next_exercise",
    "test_tools.py::test_watch_grades_again_on_save_and_on_enter",
}
HERE = Path(__file__).resolve().parent


def pytest_configure(config):
    separate_test_workers()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.parent != HERE:
            continue
        names = {item.path.name, f"{item.path.name}::{item.originalname}"}
        if item.path.name in SAME_ON_PYPY:
            item.add_marker(pytest.mark.same_on_pypy)
        if names & SLOW:
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, which nox -s tests uses (-n auto)
def pytest_xdist_make_scheduler(config, log):
    """Under `--dist loadfile` (noxfile.py), every test file that uses ``fault_grade`` goes to
    the same worker: that session fixture grades the whole fault course, and each worker
    that needs it grades it again (13 s of CPU on CPython, 34 s on PyPy)."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    root = Path(str(config.rootpath))

    class FaultGradeOnce(LoadFileScheduling):
        # _split_scope (a file's nodeids -> its unit of work) is what LoadFileScheduling
        # itself overrides; were it renamed, the course would be graded once per worker again.
        def _split_scope(self, nodeid: str) -> str:
            file = super()._split_scope(nodeid)
            return "fault_grade" if uses_fault_grade(root / file) else file

    return FaultGradeOnce(config, log)


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
    from helpers import copy_course

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
    return Grade(fault_course, engine_cache, read_report(json_path), proc, json_path, before, after, leftovers, seconds)
