"""The suite's own parallel run (nox -s tests: pytest-xdist, one worker per core): each
worker's sandbox uids apart from the others', and the fault course graded once."""

from __future__ import annotations

import os
from pathlib import Path

import helpers
import pytest

from grader import sandbox

HERE = Path(__file__).resolve().parent


def _uid_base_of(monkeypatch, worker: str | None) -> int:
    monkeypatch.setattr(helpers, "_workers_separated", False)
    monkeypatch.delenv(sandbox.UID_VAR, raising=False)
    if worker is None:
        monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    else:
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
    helpers.separate_test_workers()
    helpers.separate_test_workers()  # both conftests call it: the second call changes nothing
    return int(os.environ.get(sandbox.UID_VAR, sandbox.DEFAULT_UID))


def test_each_worker_grades_with_uids_of_its_own(monkeypatch):
    assert _uid_base_of(monkeypatch, None) == sandbox.DEFAULT_UID, "without xdist the engine's default must stay"
    bases = [_uid_base_of(monkeypatch, f"gw{n}") for n in range(4)]
    assert bases[0] == sandbox.DEFAULT_UID, bases
    # An engine grading N exercises at once takes N uids from its base: the ranges must not meet.
    jobs = helpers.UIDS_PER_WORKER
    assert jobs >= 2, jobs  # the suite's engines grade with --jobs 2 at most
    # Called twice per worker (above), it moved the base once.
    assert bases == [sandbox.DEFAULT_UID + n * jobs for n in range(4)], bases
    ranges = [set(range(base, base + jobs)) for base in bases]
    for i, one in enumerate(ranges):
        for other in ranges[i + 1 :]:
            assert not one & other, f"workers share sandbox uids: bases {bases}, {jobs} uids each"


def test_the_files_that_read_the_fault_grade_share_one_worker():
    grouped = sorted(p.name for p in HERE.glob("test_*.py") if helpers.uses_fault_grade(p))
    assert {"test_faults.py", "test_cli.py", "test_hints.py"} <= set(grouped), grouped
    assert "test_parallel_suite.py" not in grouped, "this file names fault_grade in text only"
    assert not helpers.uses_fault_grade(HERE / "conftest.py"), "the conftest is not a test file"


@pytest.mark.parametrize(
    ("text", "grouped"),
    [
        ("def test_a(fault_grade):\n    pass\n", True),
        ("import pytest\n\n@pytest.fixture\ndef mine(fault_grade, tmp_path):\n    return 1\n", True),
        ('"""Reuses fault_grade\'s cache."""\n\ndef test_a(fault_course):\n    pass\n', False),
        ("def test_a(tmp_path):\n    fault_grade = 1\n", False),
    ],
)
def test_a_file_is_grouped_when_a_test_or_fixture_requests_fault_grade(tmp_path, text, grouped):
    path = tmp_path / "engine" / "test_example.py"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    assert helpers.uses_fault_grade(path) is grouped, text
