"""The grading session (grader/session.py) and the command-line prelude (grader/command.py),
without a grading process: runner.grade is replaced by a stand-in that answers at once."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import pytest

from grader import cache, command, gradescope, hints, manifest, room, runner, scaffold, session, tools, watch
from grader import cli as cli_mod

COURSE = manifest.load(manifest.MANIFEST)
EXERCISES = COURSE.exercises[:4]


class FakeLive:
    """Stands in for procs.LiveProcesses: counts kill_all() and lets a stuck grade go."""

    def __init__(self) -> None:
        self.kills = 0
        self.killed = threading.Event()

    def kill_all(self) -> None:
        self.kills += 1
        self.killed.set()


def _session(monkeypatch, tmp_path, grade) -> session.Session:
    monkeypatch.setattr(runner, "grade", grade)
    return session.Session(tmp_path, tmp_path / "cache", fingerprint="f" * 32, live=FakeLive())


def _passed(ex, course_root, tree, shown, cache_root, settings, fingerprint, live):
    return runner.ExerciseResult(ex.id, ex.lesson.id, "pass", ex.points, ex.points, message=f"{tree.name} as {shown}")


def test_a_session_grades_every_task_with_its_own_folder_and_name(monkeypatch, tmp_path):
    s = _session(monkeypatch, tmp_path, _passed)
    tasks = [session.Task(ex, tmp_path / who, f"room/{who}", who) for who in ("ann", "bob") for ex in EXERCISES]
    ticks = []
    results = s.grade(tasks, jobs=2, tick=lambda done, running: ticks.append(done))
    assert set(results) == set(tasks), "one result per task, the same exercise of two folders apart"
    assert results[tasks[0]].message == "ann as room/ann"
    assert results[tasks[-1]].message == "bob as room/bob"
    assert ticks[-1] == len(tasks), f"the last tick counts every task done, got {ticks}"
    assert s.live.kills == 0


def test_ctrl_c_kills_every_child_and_keeps_what_finished(monkeypatch, tmp_path):
    """The first exercise passes; the second hangs until its children are killed, as a real grade
    does (runner.grade then answers "interrupted"); Ctrl-C arrives at the tick after the first."""

    def grade(ex, course_root, tree, shown, cache_root, settings, fingerprint, live):
        if ex is EXERCISES[0]:
            return _passed(ex, course_root, tree, shown, cache_root, settings, fingerprint, live)
        assert live.killed.wait(30), "the session never killed the children"
        return runner.ExerciseResult(ex.id, ex.lesson.id, "interrupted", 0, ex.points)

    def tick(done, running):
        if done:
            raise KeyboardInterrupt

    s = _session(monkeypatch, tmp_path, grade)
    tasks = [session.Task(ex, tmp_path, "exercises") for ex in EXERCISES[:2]]
    with pytest.raises(session.Interrupted) as stop:
        s.grade(tasks, jobs=2, tick=tick)
    assert isinstance(stop.value, KeyboardInterrupt), "commands that only stop still catch it as Ctrl-C"
    assert s.live.kills >= 1
    assert stop.value.results[tasks[0]].status == "pass", "what finished before the stop is kept"
    assert stop.value.results.get(tasks[1]) is None or stop.value.results[tasks[1]].status == "interrupted"


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_grade_between_two_waits_never_in_the_middle(monkeypatch, tmp_path, name):
    """Ctrl-C (SIGTERM: a closed terminal, nox, CI) sets a flag the grading loop reads; it
    never raises in the middle of the main thread's code. Raised inside
    concurrent.futures.wait(), it left a future's lock held, and the pool's shutdown then
    waited for ever: a grade that Ctrl-C did not end (seen on PyPy in CI). The signal here
    comes in the middle of a tick, as it can in the middle of wait()."""
    if sys.platform == "win32" and name == "SIGTERM":
        pytest.skip("Windows has no SIGTERM to send")
    signum = getattr(signal, name)

    def grade(ex, course_root, tree, shown, cache_root, settings, fingerprint, live):
        if ex is EXERCISES[0]:
            return _passed(ex, course_root, tree, shown, cache_root, settings, fingerprint, live)
        assert live.killed.wait(30), "the session never killed the children"
        return runner.ExerciseResult(ex.id, ex.lesson.id, "interrupted", 0, ex.points)

    went_on = []

    def tick(done, running):
        if done and not went_on:
            signal.raise_signal(signum)
            went_on.append(f"the tick went on after {name}")

    s = _session(monkeypatch, tmp_path, grade)
    tasks = [session.Task(ex, tmp_path, "exercises") for ex in EXERCISES[:2]]
    before = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
    command.stop_on_sigterm()  # what every command sets: SIGTERM raises as Ctrl-C does
    try:
        caller = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
        with pytest.raises(session.Interrupted) as stop:
            s.grade(tasks, jobs=2, tick=tick)
        after = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
    finally:
        for n, handler in before.items():
            signal.signal(n, handler)
    assert went_on, f"{name} raised in the middle of the tick instead of setting the flag the loop reads"
    assert s.live.kills >= 1
    assert stop.value.results[tasks[0]].status == "pass", "what finished before the stop is kept"
    assert after == caller, "the caller's handlers are back once the grade has stopped"


def test_a_fault_of_the_engine_kills_the_children_and_goes_on_up(monkeypatch, tmp_path):
    def grade(*args):
        raise RuntimeError("engine bug")

    s = _session(monkeypatch, tmp_path, grade)
    with pytest.raises(RuntimeError, match="engine bug"):
        s.grade([session.Task(EXERCISES[0], tmp_path, "exercises")])
    assert s.live.kills == 1


def test_the_cache_is_refused_inside_a_graded_folder_or_the_course(tmp_path, monkeypatch):
    import io

    from grader import report

    err = report.Console(file=io.StringIO(), width=400)
    for inside, what in ((tmp_path / "tree" / "cache", "the graded folder"), (tmp_path / "course" / "c", "the course")):
        monkeypatch.setenv(cache.ENV_VAR, str(inside))
        with pytest.raises(command.UsageError, match=f"is inside {what}; builds must not be written there"):
            session.open_cache([tmp_path / "tree"], tmp_path / "course", err)
        assert not inside.exists()


def test_the_learners_folder_is_shown_relative_to_where_they_are(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert session.display(tmp_path.resolve() / "exercises") == "exercises"
    assert session.display(tmp_path.resolve()) == "."
    elsewhere = Path(tmp_path.anchor, "elsewhere", "exercises")
    assert session.display(elsewhere) == str(elsewhere)


def test_the_prelude_ends_a_usage_error_with_one_line_and_status_2(capsys):
    def body():
        raise command.UsageError("--tree x: no such folder. [Errno 2] stays as it is")

    assert command.run(body) == command.USAGE_ERROR == 2
    assert capsys.readouterr().err == "error: --tree x: no such folder. [Errno 2] stays as it is\n"
    assert command.run(body, prefix="nox -s new:") == 2
    assert capsys.readouterr().err.startswith("nox -s new: --tree x")


def test_the_prelude_ends_a_stop_with_its_line_and_status_130(capsys):
    def body():
        raise KeyboardInterrupt

    assert command.run(body, stopped=lambda: "Stopped: nothing was changed.") == command.INTERRUPTED == 130
    assert capsys.readouterr().err == "Stopped: nothing was changed.\n"
    assert command.run(body) == 130
    assert capsys.readouterr().err == ""


def test_the_prelude_lets_a_fault_of_the_engine_show_its_traceback(tmp_path):
    def body():
        raise ZeroDivisionError

    def unreadable():
        return len((tmp_path / "none" / "x").read_bytes())

    with pytest.raises(ZeroDivisionError):
        command.run(body)
    with pytest.raises(FileNotFoundError):
        command.run(unreadable)
    assert command.run(unreadable, errors=(OSError,)) == 2, "a command may name what is the user's to fix (tools)"


def test_an_unknown_exercise_names_the_ones_that_look_like_it():
    with pytest.raises(command.UsageError, match=r"no exercise 'geom'\. .*; did you mean .*07_structs/geometry\?$"):
        command.find_exercise(COURSE, "geom")
    with pytest.raises(command.UsageError, match=r"; `nox -s grade` lists them\.$"):
        command.find_exercise(COURSE, "zz")
    assert command.find_exercise(COURSE, COURSE.exercises[0].id) is COURSE.exercises[0]


@pytest.mark.parametrize(
    ("main", "argv"),
    [
        (cli_mod.main, ["01"]),
        (room.main, ["."]),
        (watch.main, []),
        (hints.main, ["01_setup/hello"]),
        (tools.main, ["reset", "01_setup/hello"]),
        (gradescope.main, ["report.json", "results.json"]),
    ],
)
def test_every_command_refuses_a_course_that_does_not_load_the_same_way(main, argv, tmp_path, capsys):
    assert main(["--course", str(tmp_path / "none"), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot read course.toml"), err
    assert err.count("\n") == 1, err


def test_the_scaffold_keeps_its_own_prefix(tmp_path, capsys):
    assert scaffold.main(["--course", str(tmp_path), "01_setup/new"]) == 2
    assert capsys.readouterr().err.startswith("nox -s new: cannot read course.toml")


def test_the_doctor_needs_only_the_standard_library_to_start():
    """It is what a learner runs when the engine's libraries are missing."""
    import subprocess
    import sys

    code = (
        "import sys; import grader.doctor; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'tomli', 'platformdirs', 'pytest')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(manifest.ROOT)
    ).stdout
    assert out.strip() == "[]"
