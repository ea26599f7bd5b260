"""Every solution scores full marks; every untouched exercise scores zero.

Both trees are graded through the engine exactly as a learner would
(`python -m grader`), and neither tree may change while it is graded.
"""

from __future__ import annotations

import pytest
from helpers import ROOT, grade_course, snapshot


def _grade(tree_name, cache, tmp_path_factory):
    tree = ROOT / tree_name
    before = snapshot(tree)
    report, proc = grade_course(["--tree", str(tree), "--fresh"], cache, tmp_path_factory.mktemp("r") / "r.json")
    return report, proc, before, snapshot(tree)


@pytest.fixture(scope="module")
def solutions(course_cache, tmp_path_factory):
    return _grade("solutions", course_cache, tmp_path_factory)


@pytest.fixture(scope="module")
def exercises(course_cache, tmp_path_factory):
    return _grade("exercises", course_cache, tmp_path_factory)


@pytest.mark.parametrize("tree", ["solutions", "exercises"])
def test_tree_unchanged_by_grading(tree, request):
    _, _, before, after = request.getfixturevalue(tree)
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(p for p in before.keys() & after.keys() if before[p] != after[p])
    assert not added, f"grading {tree}/ changed it: added {added}, removed {removed}, changed {changed}"
    assert not removed, f"grading {tree}/ changed it: added {added}, removed {removed}, changed {changed}"
    assert not changed, f"grading {tree}/ changed it: added {added}, removed {removed}, changed {changed}"


def test_solutions_score_full_marks(solutions):
    report, proc, _, _ = solutions
    # "skip": this machine cannot run the exercise (lesson 16 where Python cannot be embedded), with the reason.
    failing = [
        (e["id"], e["status"], e["message"][:500]) for e in report["exercises"] if e["status"] not in ("pass", "skip")
    ]
    assert not failing, f"solutions that do not pass: {failing}\n{proc.stdout}"
    skipped = sum(e["max_points"] for e in report["exercises"] if e["status"] == "skip")
    assert not any(e["status"] == "skip" and not e["message"].strip() for e in report["exercises"])
    assert report["score"] == report["max_score"] - skipped > 0


def test_untouched_exercises_score_zero(exercises):
    report, proc, _, _ = exercises
    passing = [e["id"] for e in report["exercises"] if e["status"] == "pass" or e["points"]]
    assert not passing, f"untouched exercises that already pass: {passing}"
    assert report["score"] == 0
    # A stub must compile or import, so that its first failure is about the task
    # (unless the task is to repair it: the manifest says so with stub_status).
    import grader.manifest

    expected = {ex.id: ex.stub_status for ex in grader.manifest.load().exercises}
    broken = [
        (e["id"], e["status"], e["message"][:300])
        for e in report["exercises"]
        if e["status"] not in (expected[e["id"]], "skip")
    ]
    assert not broken, f"stubs whose status is not the manifest's stub_status ('fail' unless stated): {broken}"
    assert "Start here" in proc.stdout, "a fresh clone's report must tell the learner where to start"
