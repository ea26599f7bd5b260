"""The terminal report, rendered from results built by hand (no grading): every failing
check's message, words never cut, "Next" inside the selection, one hint at a time."""

from __future__ import annotations

import io
import textwrap

import pytest
from rich.console import Console

from grader import manifest, progress, report
from grader.runner import ExerciseResult
from grader.runner import TestResult as Check

COURSE = manifest.load()
WEATHER = next(ex for ex in COURSE.exercises if ex.id == "02_cdef/weather")


def _console(width: int = 80) -> Console:
    return Console(file=io.StringIO(), width=width, color_system=None, highlight=False)


def _render(ex, res, width: int = 80) -> str:
    console = _console(width)
    report.render(console, COURSE, [ex], {ex.id: res}, "exercises")
    return console.file.getvalue()


def _result(ex, status="fail", message="", tests=()):
    return ExerciseResult(ex.id, ex.lesson.id, status, 0, ex.points, message, list(tests))


def test_every_failing_check_shows_its_message():
    ex = COURSE.exercises[0]
    tests = [Check("test_ok", "pass")]
    tests += [Check(f"test_{i}", "fail", f"message number {i} of the grader.") for i in range(5)]
    tests += [
        Check("test_same", "fail", "message number 0 of the grader."),
        Check("test_again", "fail", "message number 0 of the grader."),
        Check("test_silent", "fail", ""),
    ]
    out = _render(ex, _result(ex, tests=tests))
    for i in range(5):  # the report stopped showing messages after the third
        assert f"message number {i} of the grader." in out, out
    assert "✗ test_same (fail) same as test_0" in out, out  # not the message just above it
    assert "✗ test_again (fail) same as above" in out, out
    assert "✗ test_silent (fail) no message: the check failed without giving one" in out, out


def test_long_paths_are_never_cut_mid_word():
    ex = COURSE.exercises[0]
    path = "/home/someone/a/long/folder/" + "x" * 60 + "/exercises/01_setup/hello_build.py"
    res = _result(ex, tests=[Check("test_x", "fail", f"read_first_line('{path}') returned None, expected 'a'.")])
    console = _console(60)
    report.render(console, COURSE, [ex], {ex.id: res}, "/home/someone/a/long/folder/" + "y" * 60)
    out = console.file.getvalue()
    assert any(f"read_first_line('{path}')" in line for line in out.splitlines()), out
    assert any(("y" * 60 + "/01_setup/hello_build.py") in line for line in out.splitlines()), out
    # the prose around them is still wrapped to the width
    assert all(
        len(line) <= 60
        for line in out.splitlines()
        if " " in line.strip() and "x" * 60 not in line and "y" * 60 not in line
    ), out


def _records(passing: set[str]) -> dict[str, dict]:
    return {ex.id: {"status": "pass" if ex.id in passing else "fail"} for ex in COURSE.exercises}


def _progress(selected, records) -> str:
    console = _console(200)
    results = {ex.id: _result(ex, "pass") for ex in selected if records[ex.id]["status"] == "pass"}
    report.render_progress(console, COURSE, progress.summarise(COURSE, records), selected, results, records)
    return console.file.getvalue()


def test_next_stays_inside_the_selection():
    first = COURSE.exercises[0]
    lesson = COURSE.select(["07"])
    after = COURSE.exercises[COURSE.exercises.index(lesson[-1]) + 1]
    # lesson 07 passes, lesson 01 does not: not "Next: 01_setup/hello", but what follows 07
    out = _progress(lesson, _records({ex.id for ex in lesson}))
    assert f"Next: {first.id}" not in out, out
    assert f"Next in the course: {after.id}" in out, out
    # two lessons apart, both passing: what lies between them comes next, not what follows the last
    two = COURSE.select(["02", "11"])
    out = _progress(two, _records({ex.id for ex in two}))
    assert f"Next in the course: {COURSE.select(['03'])[0].id}" in out, out
    # an exercise of the selection that does not pass comes first
    out = _progress(lesson, _records({lesson[0].id}))
    assert f"Next: {lesson[1].id}" in out, out
    # the last lesson passes: nothing after it, and the learner is not sent back to lesson 01
    last = COURSE.select([COURSE.lessons[-1].id])
    out = _progress(last, _records({ex.id for ex in last}))
    assert first.id not in out, out
    assert "What you selected passes" in out, out
    # without a selector, the whole course: the first exercise that does not pass
    out = _progress(COURSE.exercises, _records(set()))
    assert f"Next: {first.id}" in out or "Progress: 0/" in out, out


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        ('cannot parse "#include <stddef.h>"\n<cdef source string>:2:5: Directives not supported yet', "#include"),
        ("got:\n  #define ABSOLUTE_ZERO_C -273.15", "static const double ABSOLUTE_ZERO_C;"),
        ("multiple declarations of function c_to_f", "declared twice"),
        ("unexpected <FuncDef>: this construct is valid C but not valid in cdef()", "int is_frost(celsius_t celsius);"),
    ],
)
def test_weather_hints_one_problem_at_a_time(problem, expected):
    out = _render(WEATHER, _result(WEATHER, "error", f"ffibuilder.cdef() rejected a declaration:\n{problem}"))
    hint = " ".join(out[out.index("Hint:") : out.index("Lesson:")].split())
    assert expected in hint, out
    # that problem's hint only, never the list of all six
    shown = [h for h in WEATHER.hints if h.text in hint]
    assert len(shown) == 1, hint
    assert shown[0].when, hint


def test_weather_hint_once_it_builds():
    res = _result(WEATHER, "fail", tests=[Check("test_constants", "fail", "lib has no constant ABSOLUTE_ZERO_C")])
    assert report.hint_for(WEATHER, res) == next(h.text for h in WEATHER.hints if not h.when and not h.check)
    assert (
        "Hint: " + report.hint_for(WEATHER, res)[:20]
        in report.to_gradescope([WEATHER], {WEATHER.id: res})["tests"][0]["output"]
    )


def _manifest(tmp_path, hints: str):
    path = tmp_path / "course.toml"
    path.write_text(
        textwrap.dedent("""\
        [[lesson]]
        id = "01"
        dir = "01_a"
        page = "01-a.md"
        title = "A"

        [[exercise]]
        id = "01_a/x"
        title = "X"
        files = ["x.py"]
        points = 1
        anchor = "x"
        """)
        + f"hints = {hints}\n",
        encoding="utf-8",
    )
    return manifest.load(path)


def test_hint_forms_in_the_manifest(tmp_path):
    ex = _manifest(tmp_path, '["plain, always", "second"]').exercises[0]
    assert ex.hint_for("anything", []) == "plain, always"  # plain strings keep working
    ex = _manifest(
        tmp_path, '[{ check = "test_b", text = "about b" }, { when = "boom", text = "about boom" }, "otherwise"]'
    ).exercises[0]
    assert ex.hint_for("", [("test_b[1]", "x")]) == "about b"
    assert ex.hint_for("", [("test_c", "went boom")]) == "about boom"
    assert ex.hint_for("", [("test_c", "x")]) == "otherwise"


@pytest.mark.parametrize(
    ("hints", "says"),
    [
        ('[{ when = "x" }]', "'text' is required"),
        ('[{ text = "t", when = "x", check = "test_y" }]', "both 'when' and 'check'"),
        ('[{ text = "t", if = "x" }]', "unknown key(s) if"),
        ("[3]", "hint #1 must be a non-empty string or a table"),
        ('"one string"', "'hints' must be a list"),
    ],
)
def test_a_malformed_hint_is_refused_at_load(tmp_path, hints, says):
    with pytest.raises(manifest.ManifestError) as info:
        _manifest(tmp_path, hints)
    assert "exercise '01_a/x'" in str(info.value), str(info.value)
    assert says in str(info.value), str(info.value)


def test_an_exercise_whose_every_check_is_skipped_is_skip_with_the_reason():
    """A grader that cannot run on this machine (no shared libpython to embed, say) skips its
    checks: the exercise is `skip`, scores nothing, and the report says why, not `error`."""
    from grader import results, runner

    ex = COURSE.exercises[0]
    why = "this Python has no shared libpython (Py_ENABLE_SHARED is 0)"
    status, message = runner._summarise([Check("test_a", "skip", why), Check("test_b", "skip", why)])
    assert (status, message) == ("skip", f"cannot run on this machine: {why}")
    assert status in results.VERDICTS  # a cached skip verdict is read back
    assert runner._summarise([Check("test_a", "skip", why), Check("test_b", "pass")]) == ("pass", "")
    assert runner._summarise([Check("test_a", "skip", why), Check("test_b", "fail", "no")])[0] == "fail"
    text = _render(ex, _result(ex, status, message, [Check("test_a", "skip", why), Check("test_b", "skip", why)]))
    assert "skip" in text, text
    assert "2/2" not in text, text  # no check ran: the checks column must not read as all passed
    assert "none ran" in text, text
    assert "Py_ENABLE_SHARED is 0" in text, text
    assert "Hint:" not in text, text  # nothing in the learner's code to fix


def test_a_named_part_is_a_heading_before_its_first_lesson():
    """The course's second part ("Going further", a lesson's `part` in course.toml) is named
    once, above its first lesson's table; the first part, which has no name, gets no heading."""
    later = next(ex for ex in COURSE.exercises if ex.lesson.part)
    first, last_unnamed = COURSE.exercises[0], [ex for ex in COURSE.exercises if not ex.lesson.part][-1]
    chosen = [first, last_unnamed, later]
    console = _console()
    report.render(console, COURSE, chosen, {ex.id: _result(ex, "pass") for ex in chosen}, "exercises")
    lines = console.file.getvalue().splitlines()
    headings = [n for n, line in enumerate(lines) if line.startswith(later.lesson.part)]
    assert len(headings) == 1, lines
    titles = [n for n, line in enumerate(lines) if line.startswith("Lesson ")]
    assert titles[-2] < headings[0] < titles[-1], "the heading comes between the two parts' lessons"
    assert lines[titles[-1]].startswith(f"Lesson {later.lesson.id} ")
