"""nox -s hint -- ID (python -m grader.hints): the next hint that applies each time, after the one
the grade showed; hints about a problem the learner does not have are never shown."""

from __future__ import annotations

import subprocess
import sys

from helpers import grader_env


def _hint(course, cache, ex_id="02_crash/assign") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader.hints", "--course", str(course), ex_id],
        cwd=course,
        env=grader_env(cache),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_each_run_shows_the_next_hint(fault_grade):
    """The session grade showed hint 1 of these very files: the command goes on from 2."""
    said = [_hint(fault_grade.course, fault_grade.cache) for _ in range(3)]
    assert [p.returncode for p in said] == [0, 0, 0], said[0].stderr
    assert said[0].stdout.startswith("Hint 2 of 3 for 02_crash/assign: In C, `=` assigns and `==` compares.\n")
    assert "Another one: nox -s hint -- 02_crash/assign" in said[0].stdout
    assert said[1].stdout.startswith("Hint 3 of 3 for 02_crash/assign: Write `if (out == NULL)`.\n")
    assert "That is the last hint for this problem. The lesson section: lessons/02-crash.md#exercise-assign" in (
        said[1].stdout
    )
    assert said[2].stdout == said[1].stdout, "after the last, the last again"
    assert not any("Never shown" in p.stdout for p in said)


def test_never_graded_starts_with_the_first_and_unknown_ids_are_refused(fault_course, tmp_path):
    first = _hint(fault_course, tmp_path / "cache")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Hint 1 of 3 for 02_crash/assign: Read the compiler's warnings first.\n")
    wrong = _hint(fault_course, tmp_path / "cache", "02_crash/asign")
    assert wrong.returncode == 2
    assert "no exercise '02_crash/asign'" in wrong.stderr
