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
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich import box
from rich.table import Table

from . import cache, manifest, printable_output, procs, report, runner
from . import sandbox as sandbox_mod
from .cli import USAGE_ERROR, UsageError, choose_sandbox


def participant_trees(folder: Path, course: manifest.Course) -> list[tuple[str, Path]]:
    """(name, exercises folder) of each participant under ``folder``, sorted by name."""
    out = []
    lesson_dirs = {lesson.dir for lesson in course.lessons}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name.lower()):
        if not entry.is_dir() or entry.name.startswith("."):
            continue
        if (entry / "exercises").is_dir():
            out.append((entry.name, entry / "exercises"))
        elif any((entry / d).is_dir() for d in lesson_dirs):
            out.append((entry.name, entry))
    return out


def grade_room(course: manifest.Course, selected: list[manifest.Exercise], trees: list[tuple[str, Path]],
               jobs: int, sandbox: sandbox_mod.Sandbox | None = None,
               hide: tuple[Path, ...] = ()) -> dict[str, dict[str, runner.ExerciseResult]]:
    root = cache.cache_root()
    settings = runner.Settings(sandbox=sandbox, hide=hide)  # the room's folder is hidden from sandboxed code
    fingerprint = cache.digest(cache.engine_fingerprint(), cache.environment_fingerprint())
    live = procs.LiveProcesses()
    work = [(name, tree, ex) for name, tree in trees for ex in selected]
    results: dict[str, dict[str, runner.ExerciseResult]] = {name: {} for name, _ in trees}

    def one(item):
        name, tree, ex = item
        return name, runner.grade(ex, course.root, tree.resolve(), name, root, settings, fingerprint, live)

    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for name, res in pool.map(one, work):
                results[name][res.id] = res
    except KeyboardInterrupt:
        live.kill_all()
        raise
    return results


def render(console, course: manifest.Course, selected: list[manifest.Exercise],
           results: dict[str, dict[str, runner.ExerciseResult]]) -> None:
    lessons = [lesson for lesson in course.lessons if any(ex.lesson == lesson for ex in selected)]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=f"{course.title}: {len(results)} participants")
    table.add_column("participant")
    for lesson in lessons:
        table.add_column(lesson.id, justify="right")
    table.add_column("total", justify="right")
    for name, by_id in results.items():
        cells = []
        for lesson in lessons:
            exs = [ex for ex in selected if ex.lesson == lesson]
            got = sum(by_id[ex.id].points for ex in exs if ex.id in by_id)
            full = sum(ex.points for ex in exs)
            style = "green" if got == full else ("yellow" if got else "dim")
            cells.append(f"[{style}]{got}/{full}[/]")
        total = sum(r.points for r in by_id.values())
        table.add_row(report.escape(name), *cells, f"[bold]{total}/{sum(ex.points for ex in selected)}[/]")
    console.print(table)
    if not results:
        return
    rates = []
    for ex in selected:
        statuses = [by_id[ex.id].status for by_id in results.values() if ex.id in by_id]
        passed = statuses.count("pass")
        worst = max((s for s in set(statuses) if s != "pass"), key=statuses.count, default="")
        rates.append((passed / len(statuses) if statuses else 0.0, ex, passed, len(statuses), worst))
    hardest = sorted((r for r in rates if r[0] < 1.0), key=lambda r: (r[0], r[1].id))[:5]
    if hardest:
        console.print("[bold]Hardest for this room[/] (pass rate, most common other status):")
        for rate, ex, passed, n, worst in hardest:
            console.print(f"  {ex.id}: {passed}/{n} pass ({rate:.0%}), mostly {worst} · {report.escape(ex.lesson_link)}")


def to_json(course, selected, results) -> dict:
    return {
        "schema": 1,
        "participants": [
            {"name": name, **report.to_json(course, selected, by_id, name, False)} for name, by_id in results.items()
        ],
    }


def write_csv(path: Path, selected, results) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["participant", "exercise", "lesson", "status", "points", "max_points"])
        for name, by_id in results.items():
            for ex in selected:
                res = by_id.get(ex.id)
                w.writerow([name, ex.id, ex.lesson.id, res.status if res else "not graded",
                            res.points if res else 0, ex.points])


def main(argv: list[str] | None = None) -> int:
    printable_output()
    p = argparse.ArgumentParser(prog="nox -s room --", description="Grade every participant's folder.")
    p.add_argument("folder", help="a folder holding one folder per participant")
    p.add_argument("selectors", nargs="*", metavar="SELECTOR", help="lessons or exercises (default: all)")
    p.add_argument("--json", metavar="FILE", help="every participant's report, as JSON")
    p.add_argument("--csv", metavar="FILE", help="one row per participant and exercise")
    p.add_argument("--jobs", type=int, default=0, metavar="N", help="exercises graded at once (default: one per core)")
    p.add_argument("--allow-unsandboxed", action="store_true",
                   help="grade even where no sandbox is possible (participants' code then runs with your rights)")
    p.add_argument("--course", metavar="DIR", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    console = report.Console(highlight=False)
    try:
        course = manifest.load(Path(args.course, "course.toml") if args.course else manifest.MANIFEST)
        selected = course.select(args.selectors)
        folder = Path(args.folder).expanduser().resolve()
        if not folder.is_dir():
            raise UsageError(f"{folder}: no such folder")
        trees = participant_trees(folder, course)
        if not trees:
            raise UsageError(f"{folder} holds no participant folder (a clone of the course, or a folder "
                                         f"laid out like exercises/, with {course.lessons[0].dir}/ ...)")
        # Participants' code is not the instructor's: always sandboxed, or refused.
        sandbox = choose_sandbox(args.allow_unsandboxed, report.Console(stderr=True, highlight=False))
    except (manifest.ManifestError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR

    try:
        results = grade_room(course, selected, trees, args.jobs or os.cpu_count() or 2, sandbox, (folder,))
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    render(console, course, selected, results)
    console.print(sandbox.describe())
    if args.json:
        cache.write_json_atomic(Path(args.json).expanduser().resolve(),
                                {**to_json(course, selected, results), "isolation": sandbox.kind})
        console.print(f"JSON report written to {args.json}")
    if args.csv:
        write_csv(Path(args.csv).expanduser(), selected, results)
        console.print(f"CSV written to {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
