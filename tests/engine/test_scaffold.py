"""`nox -s new -- NN_topic/name` (grader.scaffold): a new exercise grades before its author
writes a line, and the course's own checks accept it.

It scaffolds into a copy of the course (the manifest, lesson 01's folders, the pages, the
Classroom generator), grades the starter, the solution and the two variants once, and reads
those grades in several tests.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import ROOT, read_report, run_grader, snapshot

from grader import scaffold

LESSON = "01_setup"
NEW = f"{LESSON}/doubler"


def _copy_course(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy2(ROOT / "course.toml", dest)
    shutil.copy2(ROOT / "mkdocs.yml", dest)
    for tree in ("exercises", "solutions", "tests"):
        shutil.copytree(ROOT / tree / LESSON, dest / tree / LESSON, ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "lessons").mkdir()
    for page in (ROOT / "lessons").glob("[0-9][0-9]-*.md"):
        shutil.copy2(page, dest / "lessons")
    shutil.copytree(
        ROOT / "instructors" / "github-classroom",
        dest / "instructors" / "github-classroom",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return dest


def _grade(course: Path, cache: Path, name: str, *args: str) -> dict:
    out = course.parent / f"{name}.json"
    proc = run_grader(course, cache, "--json", str(out), "--jobs", "1", NEW, *args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return read_report(out)["exercises"][0]


@pytest.fixture(scope="module")
def made(tmp_path_factory, engine_cache):
    course = _copy_course(tmp_path_factory.mktemp("scaffold") / "course")
    before = (course / "course.toml").read_text(encoding="utf-8")
    lines = scaffold.scaffold(NEW, course)
    trees = {"stub": None, "solution": course / "solutions"}
    for variant in sorted((course / "tests" / "variants" / LESSON / "doubler").iterdir()):
        tree = trees[variant.name] = course.parent / variant.name
        shutil.copytree(course / "solutions" / LESSON, tree / LESSON)
        for f in variant.iterdir():
            if f.name != "expect.txt":  # what the learner must read, not a file of the tree
                shutil.copy2(f, tree / LESSON / f.name)

    def grade(name):
        tree = trees[name]
        return name, _grade(course, engine_cache, name, *(("--tree", str(tree)) if tree else ()))

    with ThreadPoolExecutor(max_workers=2) as pool:  # the machine's two cores
        grades = dict(pool.map(grade, trees))
    return course, before, lines, grades


def test_the_starter_scores_zero_and_the_solution_full_marks(made):
    _, _, _, grades = made
    assert (grades["stub"]["status"], grades["stub"]["points"]) == ("fail", 0), grades["stub"]
    assert grades["stub"]["max_points"] == scaffold.POINTS
    assert (grades["solution"]["status"], grades["solution"]["points"]) == ("pass", scaffold.POINTS), grades["solution"]


def test_the_variant_pair_gets_its_verdicts(made):
    course, _, _, grades = made
    oks = [name for name in grades if name.startswith("ok-")]
    bads = [name for name in grades if name.startswith("bad-")]
    assert oks, sorted(grades)
    assert bads, sorted(grades)
    for name in oks:
        assert grades[name]["status"] == "pass", grades[name]
    for name in bads:
        assert grades[name]["status"] == "fail", grades[name]
        expect = course / "tests" / "variants" / LESSON / "doubler" / name / "expect.txt"
        messages = "\n".join([grades[name]["message"], *(t["message"] for t in grades[name]["tests"])])
        for line in expect.read_text(encoding="utf-8").splitlines():
            assert line.startswith("#") or line in messages, (line, messages)


def test_course_toml_gets_the_entry_and_keeps_every_other_byte(made):
    course, before, _, _ = made
    after = (course / "course.toml").read_text(encoding="utf-8")
    start = after.index(f'[[exercise]]\nid = "{NEW}"')
    end = after.index("\n[[", start)
    entry = after[start:end]  # up to its last newline, before the blank line
    # Inserted after lesson 01's last exercise, before the comments and blank line that open lesson 02.
    assert after.replace("\n" + entry, "", 1) == before
    assert after.index(entry) < after.index('dir = "02_cdef"')
    assert 'files = ["doubler_build.py", "doubler.py"]' in entry


def test_the_page_and_the_classroom_files_follow(made):
    course, _, lines, _ = made
    page = (course / "lessons" / "01-setup.md").read_text(encoding="utf-8")
    assert page.index("{#exercise-doubler}") < page.index("\n## Key points\n")
    tests = json.loads((course / "instructors" / "github-classroom" / "autograding.json").read_text(encoding="utf-8"))
    lesson01 = next(t for t in tests["tests"] if t["name"].startswith("Lesson 01"))
    original = json.loads((ROOT / "instructors" / "github-classroom" / "autograding.json").read_text(encoding="utf-8"))
    was = next(t for t in original["tests"] if t["name"].startswith("Lesson 01"))["points"]
    assert lesson01["points"] == was + scaffold.POINTS
    assert f"max-score: {was + scaffold.POINTS}" in (
        course / "instructors" / "github-classroom" / "classroom.yml"
    ).read_text(encoding="utf-8")
    assert any("regenerated instructors/github-classroom/autograding.json" in line for line in lines)


def test_the_course_checks_accept_it(made, monkeypatch):
    """tests/course/test_manifest.py's own checks, pointed at the scaffolded copy."""
    course, _, _, _ = made
    spec = importlib.util.spec_from_file_location(
        "scaffold_course_checks", ROOT / "tests" / "course" / "test_manifest.py"
    )
    checks = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "scaffold_course_checks", checks)
    spec.loader.exec_module(checks)
    from grader import manifest

    loaded = manifest.load(course / "course.toml")
    monkeypatch.setattr(checks, "ROOT", course)
    monkeypatch.setattr(checks, "COURSE", loaded)
    monkeypatch.setattr(checks, "EXERCISES", loaded.exercises)
    for ex in loaded.exercises:
        if ex.lesson.dir == LESSON:
            checks.test_exercise_is_complete(ex)
            checks.test_stub_has_todos_and_solution_has_none(ex)
    for tree in ("exercises", "solutions"):
        checks.test_no_orphaned_files(tree)
    checks.test_no_orphaned_graders()
    checks.test_lessons_pages_and_folders_match()
    checks.test_lesson_order_is_numeric()


@pytest.mark.parametrize(
    ("ex_id", "says"),
    [
        ("01_setup/calc", "already declares '01_setup/calc'"),
        ("99_nowhere/thing", "declares no lesson '99_nowhere'"),
        ("01_setup/Bad-Name", "is not an exercise id"),
        ("doubler", "is not an exercise id"),
        ("01_setup/taken", "exist already, and nothing is overwritten: solutions/01_setup/taken.py"),
    ],
)
def test_refusals_write_nothing(tmp_path, capsys, ex_id, says):
    course = tmp_path / "course"
    (course / "solutions" / LESSON).mkdir(parents=True)
    shutil.copy2(ROOT / "course.toml", course)
    (course / "solutions" / LESSON / "taken.py").write_text("# someone's file\n", encoding="utf-8")
    before = snapshot(course)
    assert scaffold.main(["--course", str(course), ex_id]) == 2
    err = capsys.readouterr().err
    assert says in err, err
    assert snapshot(course) == before


def test_a_crlf_course_toml_stays_crlf(tmp_path):
    """A Windows checkout (core.autocrlf) has CRLF files: the new entry must not turn them to LF."""
    course = tmp_path / "course"
    course.mkdir()
    (course / "course.toml").write_bytes(
        (ROOT / "course.toml").read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    )
    scaffold.scaffold(NEW, course)
    data = (course / "course.toml").read_bytes()
    assert f'id = "{NEW}"'.encode() in data
    assert data.count(b"\n") == data.count(b"\r\n")
