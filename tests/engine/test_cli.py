"""The command line: exit statuses, selectors, usage errors.

Grades here reuse the session's cache (conftest.py: ``fault_grade``), so they
are served from it and cost a process start each.
"""

from __future__ import annotations

import shutil

import pytest
from helpers import FAULT_COURSE, read_report, run_grader

import grader.manifest


@pytest.fixture(scope="module")
def course():
    return grader.manifest.load(FAULT_COURSE / "course.toml")


# --- selectors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("selector", ["01", "1", "01_setup", "01_setup/", " 01 "])
def test_a_lesson_selector(course, selector):
    assert [ex.id for ex in course.select([selector])] == ["01_setup/hello", "01_setup/greet"]


def test_an_exercise_selector(course):
    assert [ex.id for ex in course.select(["01_setup/hello"])] == ["01_setup/hello"]
    assert [ex.id for ex in course.select([r"04_build\boom"])] == ["04_build/boom"], "Windows-style separator"


def test_selectors_combine_in_course_order(course):
    picked = [ex.id for ex in course.select(["03_hang/pyloop", "1", "03_hang/pyloop"])]
    assert picked == ["01_setup/hello", "01_setup/greet", "03_hang/pyloop"]
    assert len(course.select([])) == len(course.exercises), "no selector: everything"


@pytest.mark.parametrize("selector", ["9", "01_setup/nope", "hello", "1_setup"])
def test_an_unknown_selector_is_refused(course, selector):
    with pytest.raises(grader.manifest.ManifestError, match="no lesson or exercise matches"):
        course.select([selector])


@pytest.mark.parametrize(
    ("selectors", "expected"),
    [
        (["1"], ["01_setup/hello", "01_setup/greet"]),
        (["01_setup/hello"], ["01_setup/hello"]),
    ],
)
def test_selectors_on_the_command_line(fault_grade, tmp_path, selectors, expected):
    out = tmp_path / "r.json"
    proc = run_grader(fault_grade.course, fault_grade.cache, *selectors, "--json", str(out), "--timeout", "3")
    assert proc.returncode == 0, proc.stderr
    report = read_report(out)
    assert [e["id"] for e in report["exercises"]] == expected
    assert all(e["status"] == "pass" for e in report["exercises"])
    assert report["score"] == report["max_score"]


# --- exit statuses ------------------------------------------------------------------------------


def test_exit_0_whatever_the_score(fault_grade):
    assert fault_grade.proc.returncode == 0
    assert fault_grade.report["score"] < fault_grade.report["max_score"]


def test_strict_exits_1_unless_full_marks(fault_grade):
    failing = run_grader(fault_grade.course, fault_grade.cache, "02_crash/segv", "--strict", "--timeout", "3")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    passing = run_grader(fault_grade.course, fault_grade.cache, "01", "--strict", "--timeout", "3")
    assert passing.returncode == 0, passing.stdout + passing.stderr


def _usage_error(proc) -> str:
    assert proc.returncode == 2, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, "a usage error is a message, not a crash of the engine"
    return " ".join(proc.stderr.split())  # as one line: the console wraps long messages


def test_unknown_selector_exits_2(fault_course, tmp_path):
    err = _usage_error(run_grader(fault_course, tmp_path / "cache", "99"))
    assert "no lesson or exercise matches '99'" in err
    assert "01_setup/hello" in err, "the message shows what a selector looks like"


def test_tree_that_is_not_a_folder_exits_2(fault_course, tmp_path):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("hi", encoding="utf-8")
    err = _usage_error(run_grader(fault_course, tmp_path / "cache", "--tree", str(not_a_folder)))
    assert "no such folder" in err
    err = _usage_error(run_grader(fault_course, tmp_path / "cache", "--tree", str(tmp_path / "nowhere")))
    assert "no such folder" in err


def test_tree_not_laid_out_like_exercises_exits_2(fault_course, tmp_path):
    err = _usage_error(run_grader(fault_course, tmp_path / "cache", "--tree", str(fault_course)))
    assert "not laid out like exercises/" in err
    assert "Did you mean --tree" in err, "the parent of exercises/ gets a suggestion"


def test_cache_inside_the_graded_tree_exits_2(fault_course, tmp_path):
    tree = tmp_path / "participant"
    shutil.copytree(fault_course / "exercises", tree)
    inside = tree / ".cache"
    err = _usage_error(run_grader(fault_course, inside, "--tree", str(tree)))
    assert f"the cache folder {inside} is inside the graded folder" in err
    assert "CFFI_COURSE_CACHE" in err
    assert not inside.exists(), "nothing may be created there"


def test_cache_inside_the_course_exits_2(fault_course):
    inside = fault_course / "exercises" / ".cache"
    err = _usage_error(run_grader(fault_course, inside))
    assert f"the cache folder {inside} is inside the course" in err
    assert not inside.exists(), "nothing may be created there"


def test_bad_numbers_exit_2(fault_course, tmp_path):
    err = _usage_error(run_grader(fault_course, tmp_path / "cache", "--timeout", "0"))
    assert "--timeout" in err
    _usage_error(run_grader(fault_course, tmp_path / "cache", "--jobs", "-1"))
    _usage_error(run_grader(fault_course, tmp_path / "cache", "--no-such-option"))


def test_broken_manifest_exits_2(tmp_path):
    course = tmp_path / "course"
    (course / "exercises").mkdir(parents=True)
    (course / "course.toml").write_text("[[lesson]\nid = 1\n", encoding="utf-8")
    err = _usage_error(run_grader(course, tmp_path / "cache"))
    assert "course.toml" in err
