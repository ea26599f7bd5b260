"""Grade a room: every participant's folder, one table.

    python -m grader.room FOLDER [SELECTOR ...] [--json FILE] [--csv FILE] [--jobs N]
    nox -s room -- ~/workshop/submissions 01 02 03

FOLDER holds one folder per participant: a clone of the course (with its
``exercises/``) or a folder laid out like ``exercises/`` itself. Each is graded
by the same engine as ``nox -s grade`` (learner code in child processes,
verdicts cached by content, nothing written into the folders), then the room
is shown as one table: a row per participant, a column per lesson, and under
it the exercises the room finds hardest, by pass rate. ``--json`` writes every
participant's full report; ``--csv`` one row per participant and exercise, for
a spreadsheet or an LMS import.

An exercise whose files are byte for byte the course's own starter files
(``exercises/`` of the course being graded against) is "not started": shown as
such, and left out of the pass rates, so that an exercise nobody opened does not
look like the one the room found hardest.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import stat
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from rich import box
from rich.table import Table

from . import cache, command, manifest, report, runner
from . import files as files_mod
from . import sandbox as sandbox_mod
from .command import UsageError
from .results import VERDICTS
from .session import Session, Task, choose_sandbox, open_cache


@dataclass
class Participant:
    """One entry of the room's folder: graded (``tree`` set) or not (``problem`` says why)."""

    name: str  # as os.listdir gives it: bytes that are not UTF-8 are kept as surrogates (PEP 383)
    tree: Path | None = None  # the folder graded: the participant's exercises/, or the folder itself
    problem: str = ""

    @property
    def label(self) -> str:
        """The name for people: any bytes that are not UTF-8 shown as \\xNN (always printable and encodable)."""
        return readable(self.name)

    @property
    def folder(self) -> str:
        """The name exactly, percent-encoded bytes: urllib.parse.unquote_to_bytes() gives the folder's name back."""
        return quote(os.fsencode(self.name), safe="")


def readable(name: str) -> str:
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _what(mode: int) -> str:
    for test, what in (
        (stat.S_ISREG, "a file"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return what
    return "not a regular folder"


def participants(folder: Path, course: manifest.Course) -> tuple[list[Participant], list[str]]:
    """Every entry of ``folder`` as a participant, sorted by name, and the hidden
    entries left out (``.git``, ``.DS_Store``: a participant's name never starts
    with a dot). Nothing is followed or opened but folders: an entry that is not
    a folder (a file, a link, a FIFO...) is named with what it is, never read."""
    lesson_dirs = [lesson.dir for lesson in course.lessons]
    out, hidden = [], []
    with os.scandir(folder) as entries:
        names = sorted((e.name for e in entries), key=lambda n: (readable(n).lower(), n))
    for name in names:
        if name.startswith("."):
            hidden.append(readable(name))
            continue
        path = folder / name
        try:
            mode = os.lstat(path).st_mode
        except OSError as exc:
            out.append(Participant(name, problem=f"cannot be read: {exc.strerror}"))
            continue
        if stat.S_ISLNK(mode):
            # A link could point at another participant's work, or anywhere on the machine.
            out.append(Participant(name, problem="not a folder: a symbolic link (put the folder itself in the room)"))
            continue
        if not stat.S_ISDIR(mode):
            out.append(Participant(name, problem=f"not a folder: {_what(mode)} (a participant is a folder)"))
            continue
        try:
            inside = os.listdir(path)
        except OSError as exc:
            out.append(Participant(name, problem=f"cannot be read: {exc.strerror}"))
            continue
        if not inside:
            out.append(Participant(name, problem="empty folder"))
            continue
        exercises = path / "exercises"
        if "exercises" in inside and exercises.is_symlink():
            out.append(Participant(name, problem="exercises/ is a symbolic link, not a folder (not followed)"))
        elif "exercises" in inside and exercises.is_dir():
            out.append(Participant(name, exercises))
        elif any(d in inside and (path / d).is_dir() for d in lesson_dirs):
            out.append(Participant(name, path))
        else:
            out.append(Participant(name, problem=f"no exercises/ folder and no lesson folder ({lesson_dirs[0]}/, ...)"))
    return out, hidden


def grade_room(
    course: manifest.Course,
    selected: list[manifest.Exercise],
    trees: list[tuple[str, Path]],
    jobs: int,
    sandbox: sandbox_mod.Sandbox | None = None,
    hide: tuple[Path, ...] = (),
    cache_root: Path | None = None,
) -> dict[str, dict[str, runner.ExerciseResult]]:
    settings = runner.Settings(sandbox=sandbox, hide=hide)  # the room's folder is hidden from sandboxed code
    session = Session(course.root, cache.cache_root() if cache_root is None else cache_root, settings)
    graded = session.grade(
        [Task(ex, tree.resolve(), readable(name), name) for name, tree in trees for ex in selected], jobs
    )
    results: dict[str, dict[str, runner.ExerciseResult]] = {name: {} for name, _ in trees}
    for task, res in graded.items():
        results[task.who][res.id] = res
    return results


def _earned(ex: manifest.Exercise, res: runner.ExerciseResult | None) -> int:
    """Points from the manifest: the exercise's if it passed, else 0 (a result's own points are not read)."""
    return ex.points if res is not None and res.status == "pass" else 0


def starter_keys(course: manifest.Course, selected: list[manifest.Exercise]) -> dict[str, str]:
    """The digest of each exercise's starter files (the course's own exercises/), taken
    as the engine takes it of the files it grades (runner.exercise_key)."""
    starters = course.root / "exercises"
    keys = {}
    for ex in selected:
        try:
            keys[ex.id] = runner.exercise_key(ex, runner.read_files(ex, starters))
        except files_mod.Unusable:
            continue  # the course's own starter cannot be read: then no one's work counts as not started
    return keys


def not_started(
    course: manifest.Course, selected: list[manifest.Exercise], results: dict[str, dict[str, runner.ExerciseResult]]
) -> dict[str, set[str]]:
    """Per participant, the exercises whose files are the starter's, byte for byte. The
    digest compared is the one of the very bytes graded (``files_key``), so a file
    changed during the grade cannot be counted one way and graded the other. A missing
    or unreadable file has no digest: it is graded as such, never "not started"."""
    keys = starter_keys(course, selected)
    return {
        name: {ex_id for ex_id, res in by_id.items() if res.files_key and res.files_key == keys.get(ex_id)}
        for name, by_id in results.items()
    }


NOT_STARTED = "·"  # a lesson cell whose exercises are all not started


def _note(part: Participant, selected: list[manifest.Exercise], untouched: set[str]) -> str:
    if part.tree is None:
        return f"[yellow]{report.escape(part.problem)}[/]"
    left = sum(ex.id in untouched for ex in selected)
    if not left:
        return ""
    if left == len(selected):
        return "[dim]started nothing[/]"
    return f"[dim]{left}/{len(selected)} not started[/]"


def _results_line(statuses: Sequence[str], unstarted: int) -> str:
    """ "1/3 pass (33%): 1 fail, 1 crash; 2 not started": counts, never a "mostly" for one case."""
    passed = statuses.count("pass")
    others = Counter(s for s in statuses if s != "pass")
    rank = {str(s): i for i, s in enumerate(VERDICTS)}
    text = f"{passed}/{len(statuses)} pass ({passed / len(statuses):.0%})"
    if others:
        text += ": " + ", ".join(
            f"{others[s]} {s}" for s in sorted(others, key=lambda s: (-others[s], rank.get(s, 99), s))
        )
    return text + (f"; {unstarted} not started" if unstarted else "")


def render(
    console,
    course: manifest.Course,
    selected: list[manifest.Exercise],
    found: list[Participant],
    results: dict[str, dict[str, runner.ExerciseResult]],
    fresh: dict[str, set[str]] | None = None,
) -> None:
    """The room's table, then the hardest exercises. ``fresh``: per participant, the
    exercises not started (see not_started); they are shown as such and left out of the rates."""
    fresh = fresh or {}
    lessons = [lesson for lesson in course.lessons if any(ex.lesson == lesson for ex in selected)]
    skipped = [p for p in found if p.tree is None]
    n = len(found) - len(skipped)
    title = f"{course.title}: {n} participant{'' if n == 1 else 's'}"
    table = Table(
        box=box.SIMPLE_HEAD, pad_edge=False, title=title + (f", {len(skipped)} not graded" if skipped else "")
    )
    table.add_column("participant")
    for lesson in lessons:
        table.add_column(lesson.id, justify="right")
    table.add_column("total", justify="right")
    notes = {part.name: _note(part, selected, fresh.get(part.name, set())) for part in found}
    if any(notes.values()):
        table.add_column("note")
    full_total = sum(ex.points for ex in selected)
    marked = False
    for part in found:
        by_id = results.get(part.name, {})
        untouched = fresh.get(part.name, set())
        cells = []
        for lesson in lessons:
            exs = [ex for ex in selected if ex.lesson == lesson]
            got = sum(_earned(ex, by_id.get(ex.id)) for ex in exs)
            full = sum(ex.points for ex in exs)
            if part.tree is None:
                cells.append("[dim]-[/]")
            elif all(ex.id in untouched for ex in exs):
                # A mark, explained under the table: as narrow as "4/4", so a room's
                # table is no wider for it.
                cells.append(f"[dim]{NOT_STARTED}[/]")
                marked = True
            else:
                cells.append(f"[{'green' if got == full else 'yellow' if got else 'dim'}]{got}/{full}[/]")
        total = sum(_earned(ex, by_id.get(ex.id)) for ex in selected)
        note = [notes[part.name]] if any(notes.values()) else []
        table.add_row(report.escape(part.label), *cells, f"[bold]{total}/{full_total}[/]", *note)
    console.print(table)
    if marked:  # under the table, not as its caption: a narrow table would wrap it
        console.print(f"[dim]{NOT_STARTED} not started: that lesson's files are the starter files[/]")
    graded = [(results[p.name], fresh.get(p.name, set())) for p in found if p.tree is not None and p.name in results]
    if not graded:
        return
    rates, nobody = [], []
    for ex in selected:
        # Only those who started the exercise count: an untouched starter says nothing of how hard it is.
        statuses = [by_id[ex.id].status for by_id, untouched in graded if ex.id in by_id and ex.id not in untouched]
        unstarted = sum(ex.id in untouched for _, untouched in graded)
        if statuses:
            rates.append(
                (sum(s == "pass" for s in statuses) / len(statuses), -len(statuses), ex.id, ex, statuses, unstarted)
            )
        elif unstarted:
            nobody.append(ex.id)
    hardest = sorted((r for r in rates if r[0] < 1.0), key=lambda r: r[:3])[:5]
    if hardest:
        console.print("[bold]Hardest for this room[/] (pass rate of those who started it):")
        for _, _, _, ex, statuses, unstarted in hardest:
            # The link on the exercise's own line, the counts under it: both fit 80 columns.
            console.print(f"  {report.escape(ex.id)} · {report.escape(ex.lesson_link)}")
            console.print(f"      {_results_line(statuses, unstarted)}")
    if nobody:
        console.print(f"[dim]Not started by anyone: {report.escape(', '.join(nobody))}[/]")


def to_json(selected, found: list[Participant], results, fresh: dict[str, set[str]] | None = None) -> dict:
    """Every participant, graded or not. ``name`` is for people (bytes that are not UTF-8
    as \\xNN); ``folder`` is the exact name, percent-encoded; ``problem`` says why a
    participant was not graded ("" when graded). Each exercise's ``started`` is false
    when its files are the starter's (null for a participant not graded)."""
    fresh = fresh or {}
    out = []
    for part in found:
        data = report.to_json(selected, results.get(part.name, {}), part.label, False)
        for entry in data["exercises"]:  # points from the manifest, as in the table
            entry["points"] = entry["max_points"] if entry["status"] == "pass" else 0
            entry["started"] = None if part.tree is None else entry["id"] not in fresh.get(part.name, set())
        data["score"] = sum(entry["points"] for entry in data["exercises"])
        out.append(
            {
                "name": part.label,
                "folder": part.folder,
                "graded": part.tree is not None,
                "problem": part.problem,
                **data,
            }
        )
    return {"schema": 1, "participants": out}


def write_csv(
    path: Path, selected, found: list[Participant], results, fresh: dict[str, set[str]] | None = None
) -> None:
    """One row per participant and exercise; a participant not graded has a row per
    exercise too ("not graded", with the reason in ``note``). ``folder`` is the exact
    folder name, percent-encoded (see Participant.folder). Then, added after the first
    columns (an import reading columns by position still works): ``started`` (yes, or
    no when the files are the starter's; empty when not graded), ``checks_passed``
    ("1/7"; empty when no check ran) and ``first_failing_check`` (its name)."""
    fresh = fresh or {}
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
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
    )
    for part in found:
        by_id = results.get(part.name, {})
        for ex in selected:
            res = by_id.get(ex.id)
            tests = res.tests if res else []
            passed = sum(t.status == "pass" for t in tests)
            failing = next((t.name for t in tests if t.status not in ("pass", "skip")), "")
            started = "" if res is None else "no" if ex.id in fresh.get(part.name, set()) else "yes"
            w.writerow(
                [
                    part.label,
                    ex.id,
                    ex.lesson.id,
                    res.status if res else "not graded",
                    _earned(ex, res),
                    ex.points,
                    part.problem,
                    part.folder,
                    started,
                    f"{passed}/{len(tests)}" if tests else "",
                    failing,
                ]
            )
    cache.write_text_atomic(path.resolve(), buf.getvalue(), newline="")


def main(argv: list[str] | None = None) -> int:
    return command.run(lambda: _main(argv), stopped=lambda: "Interrupted.")


def _main(argv: list[str] | None) -> int:
    p = argparse.ArgumentParser(prog="nox -s room --", description="Grade every participant's folder.")
    p.add_argument("folder", help="a folder holding one folder per participant")
    p.add_argument("selectors", nargs="*", metavar="SELECTOR", help="lessons or exercises (default: all)")
    p.add_argument("--json", metavar="FILE", help="every participant's report, as JSON")
    p.add_argument("--csv", metavar="FILE", help="one row per participant and exercise")
    p.add_argument("--jobs", type=int, default=0, metavar="N", help="exercises graded at once (default: one per core)")
    p.add_argument(
        "--allow-unsandboxed",
        action="store_true",
        help="grade even where no sandbox is possible (participants' code then runs with your rights)",
    )
    command.add_course_option(p)
    args = p.parse_args(argv)
    console = report.Console(highlight=False)
    err = report.Console(stderr=True, highlight=False)
    course = command.load_course(args)
    selected = course.select(args.selectors)
    folder = Path(args.folder).expanduser().resolve()
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder")
    found, hidden = participants(folder, course)
    trees = [(part.name, part.tree) for part in found if part.tree is not None]
    if not trees:
        seen = "; ".join(f"{part.label}: {part.problem}" for part in found[:5])
        raise UsageError(
            f"{folder} holds no participant folder (a clone of the course, or a folder "
            f"laid out like exercises/, with {course.lessons[0].dir}/ ...)" + (f". Found {seen}" if seen else "")
        )
    # Participants' code is not the instructor's: always sandboxed, or refused.
    sandbox = choose_sandbox(args.allow_unsandboxed, err)
    # The same cache checks as nox -s grade: not inside the room or the course, ours or refused,
    # a temporary one (one warning line) if it cannot be written.
    cache_root = open_cache([folder, *(tree for _, tree in trees)], course.root, err)

    results = grade_room(course, selected, trees, args.jobs, sandbox, (folder,), cache_root)
    fresh = not_started(course, selected, results)
    render(console, course, selected, found, results, fresh)
    if hidden:
        console.print(
            f"[dim]Hidden entries left out: {report.escape(', '.join(hidden[:5]))}"
            f"{' ...' if len(hidden) > 5 else ''}[/]"
        )
    console.print(sandbox.describe())
    if args.json:
        cache.write_json_atomic(
            Path(args.json).expanduser().resolve(),
            {**to_json(selected, found, results, fresh), "isolation": sandbox.kind},
        )
        console.print(f"JSON report written to {args.json}")
    if args.csv:
        write_csv(Path(args.csv).expanduser(), selected, found, results, fresh)
        console.print(f"CSV written to {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
