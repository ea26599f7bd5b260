"""A crash in every check reads once: the messages differ only by the check they name."""

from __future__ import annotations

import io

from rich.console import Console

from grader import manifest, report
from grader.runner import ExerciseResult
from grader.runner import TestResult as Check


def test_the_same_crash_in_several_checks_is_said_once():
    course = manifest.load()
    ex = course.exercises[0]
    crash = (
        "the test process was killed by a segmentation fault [SIGSEGV] while running {}.\n"
        'Common causes: a NULL or dangling pointer.\nYour code was running: "exercises/x.py", line 3'
    )
    tests = [Check(name, "crash", crash.format(name)) for name in ("test_a", "test_b", "test_c")]
    console = Console(file=io.StringIO(), width=100, color_system=None, highlight=False)
    report.render(
        console,
        course,
        [ex],
        {ex.id: ExerciseResult(ex.id, ex.lesson.id, "crash", 0, ex.points, tests[0].message, tests)},
        "exercises",
    )
    out = console.file.getvalue()
    assert out.count("Common causes") == 1, out
    assert "✗ test_b (crash) same as above" in out, out
    assert "✗ test_c (crash) same as above" in out, out
