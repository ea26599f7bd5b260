"""The room's table and CSV as an instructor reads them, from made-up verdicts (nothing
is graded here: tests/course/test_instructors.py grades a real room end to end)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rich.console import Console

from grader import manifest, room, runner

COURSE = manifest.load()


def _result(
    ex: manifest.Exercise, status: str, checks: tuple[str, ...] = (), files_key: str = ""
) -> runner.ExerciseResult:
    tests = [runner.TestResult(f"test_{i}", s, "" if s == "pass" else "it went wrong") for i, s in enumerate(checks)]
    return runner.ExerciseResult(ex.id, ex.lesson.id, status, 0, ex.points, tests=tests, files_key=files_key)


def _room(statuses: dict[str, str]) -> tuple[list[room.Participant], dict]:
    found = [room.Participant(name, Path(name)) for name in statuses]
    return found, {name: {} for name in statuses}


def _render(selected, found, results, fresh=None, width=80) -> str:
    console = Console(width=width, file=io.StringIO(), no_color=True, highlight=False)
    if fresh is None:
        room.render(console, COURSE, selected, found, results)
    else:
        room.render(console, COURSE, selected, found, results, fresh)
    return console.file.getvalue()


def test_each_hardest_line_keeps_its_lesson_link_on_an_80_column_terminal():
    """The link is on the same line as the exercise it belongs to, for every exercise of the
    course (on the code before, it wrapped onto a line of its own)."""
    for ex in COURSE.exercises:
        found, results = _room({"ada": "", "bob": "", "cy": ""})
        for name, status in zip(("ada", "bob", "cy"), ("pass", "fail", "crash")):
            results[name][ex.id] = _result(ex, status)
        out = _render([ex], found, results)
        assert "Hardest for this room" in out, out
        lines = [line for line in out.splitlines() if ex.lesson_link in line]
        assert lines, out
        assert ex.id in lines[0], out
        assert len(lines[0].rstrip()) <= 80, out


def test_hardest_counts_each_other_status_and_never_calls_one_failure_mostly():
    ex = COURSE.exercises[0]
    found, results = _room({"ada": "", "bob": "", "cy": ""})
    for name, status in zip(("ada", "bob", "cy"), ("pass", "fail", "crash")):
        results[name][ex.id] = _result(ex, status)
    out = _render([ex], found, results)
    assert "1/3 pass (33%): 1 fail, 1 crash" in out, out
    assert "mostly" not in out, out


def test_not_started_work_is_shown_and_left_out_of_the_hardest():
    """Two of three never opened ``hello``: it is not the room's hardest (1/1 pass among those
    who started it); ``calc``, started and failed by two, is. A participant who started
    nothing says so, per lesson and in the note."""
    hello, calc = COURSE.exercises[0], COURSE.exercises[1]
    assert (hello.lesson, calc.lesson) == (COURSE.lessons[0], COURSE.lessons[0])
    found, results = _room({"ada": "", "bob": "", "cy": ""})
    results["ada"] = {hello.id: _result(hello, "pass"), calc.id: _result(calc, "fail")}
    results["bob"] = {hello.id: _result(hello, "fail"), calc.id: _result(calc, "fail")}
    results["cy"] = {hello.id: _result(hello, "fail"), calc.id: _result(calc, "fail")}
    fresh = {"ada": set(), "bob": {hello.id}, "cy": {hello.id, calc.id}}
    out = _render([hello, calc], found, results, fresh, width=100)
    hardest = out.split("Hardest for this room", 1)[1]
    assert calc.id in hardest, out
    assert hello.id not in hardest, out
    assert "0/2 pass (0%): 2 fail; 1 not started" in hardest, out
    rows = {
        line.split()[0]: line.split() for line in out.splitlines() if line.split()[:1] in (["ada"], ["bob"], ["cy"])
    }
    assert rows["ada"] == ["ada", "2/4", "2/4"], out  # no note
    assert rows["bob"] == ["bob", "0/4", "0/4", "1/2", "not", "started"], out  # one lesson, partly started
    assert rows["cy"] == ["cy", room.NOT_STARTED, "0/4", "started", "nothing"], out
    assert f"{room.NOT_STARTED} not started: that lesson's files are the starter files" in out, out

    # Nobody started it: not in the hardest, named on a line of its own.
    out = _render([hello], found, results, {name: {hello.id} for name in results})
    assert "Hardest" not in out, out
    assert f"Not started by anyone: {hello.id}" in out, out


def test_the_csv_adds_started_checks_passed_and_the_first_failing_check(tmp_path):
    hello = COURSE.exercises[0]
    found, results = _room({"ada": "", "bob": ""})
    found.append(room.Participant("empty", problem="empty folder"))
    results["ada"][hello.id] = _result(hello, "fail", ("pass", "skip", "fail", "error"))
    results["bob"][hello.id] = _result(hello, "fail", ("fail", "fail"))
    room.write_csv(tmp_path / "room.csv", [hello], found, results, {"bob": {hello.id}})
    with (tmp_path / "room.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = {row[0]: dict(zip(header, row)) for row in reader}
    # Every old column first, in its old place: an import reading by position still works.
    assert header == [
        "participant",
        "exercise",
        "lesson",
        "status",
        "points",
        "max_points",
        "note",
        "folder",
        "started",
        "checks_passed",
        "first_failing_check",
    ]
    assert [rows["ada"][k] for k in header[-3:]] == ["yes", "1/4", "test_2"], rows["ada"]
    assert [rows["bob"][k] for k in header[-3:]] == ["no", "0/2", "test_0"], rows["bob"]
    assert [rows["empty"][k] for k in ("status", *header[-3:])] == ["not graded", "", "", ""], rows["empty"]


def test_not_started_compares_the_graded_bytes_with_the_courses_starter(tmp_path):
    """Only an exercise whose files are the starter's, byte for byte, is not started; one
    changed by a single byte, or graded without a digest (missing file), is started."""
    hello, calc = COURSE.exercises[0], COURSE.exercises[1]
    starters = COURSE.root / "exercises"

    def key(ex, tree):
        return runner.exercise_key(ex, runner.read_files(ex, tree))

    (tmp_path / hello.lesson.dir).mkdir()
    for ex in (hello, calc):
        for name in (*ex.files, *ex.lesson.support):
            (tmp_path / ex.lesson.dir / name).write_bytes((starters / ex.lesson.dir / name).read_bytes())
    first = calc.files[0]
    (tmp_path / calc.lesson.dir / first).write_bytes((starters / calc.lesson.dir / first).read_bytes() + b"\n")
    results = {
        "ada": {
            hello.id: _result(hello, "fail", files_key=key(hello, tmp_path)),
            calc.id: _result(calc, "fail", files_key=key(calc, tmp_path)),
        },
        "bob": {hello.id: _result(hello, "missing")},
    }
    assert room.not_started(COURSE, [hello, calc], results) == {"ada": {hello.id}, "bob": set()}
