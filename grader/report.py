"""What the learner reads: a table per lesson, the score, then the first
exercise that does not pass, in detail. Colour on a terminal (rich turns it
off for pipes, files and ``NO_COLOR``)."""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .manifest import Course, Exercise
from .progress import next_in
from .results import ExerciseResult

STYLE = {
    "pass": "bold green",
    "fail": "bold yellow",
    "error": "bold red",
    "crash": "bold magenta",
    "timeout": "bold magenta",
    "missing": "dim",
    "skip": "dim",
    "interrupted": "dim",
    "not graded": "dim",
}
MARK = {"pass": "✓", "skip": "-"}


def _checks(result: ExerciseResult) -> str:
    if not result.tests:
        return ""
    if result.status == "skip":
        return "none ran"  # every check skipped: "2/2" would read as passed
    ok = sum(t.status in ("pass", "skip") for t in result.tests)
    return f"{ok}/{len(result.tests)}"


def site_link(course: Course, ex: Exercise) -> str:
    page = ex.lesson.page[:-3] if ex.lesson.page.endswith(".md") else ex.lesson.page
    return f"{course.site_url.rstrip('/')}/{page}/#{ex.anchor}"


def render(
    console: Console,
    course: Course,
    selected: list[Exercise],
    results: dict[str, ExerciseResult],
    display: str,
    interrupted: bool = False,
) -> None:
    lessons = []
    for ex in selected:
        if ex.lesson not in lessons:
            lessons.append(ex.lesson)
    part = ""  # the first part of the course has no name; a later one's is a heading
    for lesson in lessons:
        if lesson.part and lesson.part != part:
            console.rule(f"[bold]{escape(lesson.part)}[/]", align="left")
        part = lesson.part
        console.print(f"[bold]Lesson {lesson.id} · {escape(lesson.title)}[/]")
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("exercise")
        table.add_column("status")
        table.add_column("checks", justify="right")
        table.add_column("points", justify="right")
        for ex in (e for e in selected if e.lesson == lesson):
            res = results.get(ex.id)
            status = res.status if res else "not graded"
            table.add_row(
                ex.id,
                f"[{STYLE.get(status, '')}]{escape(status)}[/]",
                _checks(res) if res else "",
                f"{res.points if res else 0}/{ex.points}",
            )
        console.print(table)

    score = sum(r.points for r in results.values())
    total = sum(ex.points for ex in selected)
    console.print(f"[bold]Score: {score}/{total}[/]")
    if interrupted:
        graded = sum(1 for ex in selected if ex.id in results and results[ex.id].status != "interrupted")
        console.print(f"Interrupted: {graded} of {len(selected)} exercises were graded before Ctrl-C.")

    first = next(
        (ex for ex in selected if ex.id in results and results[ex.id].status not in ("pass", "interrupted")), None
    )
    if first is None:
        if not interrupted and len(results) == len(selected):
            console.print("[green]Everything selected passes.[/]")
        return
    console.print()
    _detail(console, course, first, results[first.id], display)
    if score == 0 and first == course.exercises[0] and display == "exercises":
        console.print()
        console.print(
            f"[bold]Start here:[/] read lessons/{first.lesson.page}, then fill in the TODOs in "
            f"{display}/{first.lesson.dir}/{first.files[0]} and run `nox -s grade` again."
        )


def render_progress(
    console: Console,
    course: Course,
    summary,
    selected: list[Exercise],
    results: dict[str, ExerciseResult],
    records: dict[str, dict] | None = None,
) -> None:
    """One line on the whole course (from grades kept between runs), and the next exercise to do
    when it is not the one this report already showed in detail. With a selector (``selected``
    is not the whole course), next stays inside the selection, or says the selection passes
    and names the first exercise after it that does not (progress.next_in)."""
    if summary.total == 0:
        return
    line = (
        f"[bold]Progress:[/] {summary.done}/{summary.total} exercises pass in the whole course "
        f"({summary.points}/{summary.max_points} points)"
    )
    if summary.next is None:
        console.print(line + ". [green]You have finished the course.[/]")
        return
    console.print(line + ".")
    nxt, inside = summary.next, True
    if records is not None and len(selected) < len(course.exercises):
        nxt, inside = next_in(course, records, selected)
    if nxt is None:
        console.print(
            "[green]What you selected passes[/], and so does everything after it in the course; "
            "earlier exercises remain (`nox -s grade` shows them).",
            soft_wrap=True,
        )
        return
    shown = next((ex for ex in selected if ex.id in results and results[ex.id].status != "pass"), None)
    if shown is not None and shown.id == nxt.id:
        return  # the report above already showed it in detail
    lead = "[bold]Next:[/]" if inside else "[bold]Next in the course:[/]"
    console.print(
        f"{lead} {escape(nxt.id)} · {escape(nxt.title)} ({escape(nxt.lesson_link)}), "
        f"then `nox -s grade -- {escape(nxt.id)}`.",
        soft_wrap=True,
    )


def _detail(console: Console, course: Course, ex: Exercise, res: ExerciseResult, display: str) -> None:
    style = STYLE.get(res.status, "")
    console.rule(f"[{style}]{escape(ex.id)}: {res.status}[/] · {escape(ex.title)}", align="left")
    files = ", ".join(f"{display}/{ex.lesson.dir}/{f}" for f in ex.files)
    _say(console, "Your file:", files)
    if res.status in ("fail", "crash", "timeout"):
        shown: dict[str, str] = {}  # message -> the first check that printed it: each is printed once
        last = None
        for t in res.tests:
            if t.status in ("pass", "skip"):
                console.print(f"  [green]{MARK[t.status]}[/] {escape(t.name)}")
                continue
            mark = f"  [{STYLE.get(t.status, '')}]✗ {escape(t.name)}[/] ({t.status})"
            # Every failing check shows its message: a learner who fixes the first
            # three problems should not have to open the JSON to see the fourth.
            # A crash or time-out names its check ("... while running test_b"): the same
            # message but for that name is the same message.
            key = t.message.replace(t.name, "\0") if t.status in ("crash", "timeout") else t.message
            if not t.message.strip():
                console.print(f"{mark} [dim]no message: the check failed without giving one[/]")
            elif key in shown:
                same = "above" if key == last else escape(shown[key])
                console.print(f"{mark} [dim]same as {same}[/]")
            else:
                shown[key] = t.name
                console.print(mark)
                _block(console, t.message, 6)
            last = key
    else:  # missing, error: one message says it all
        _block(console, res.message, 2)
    if res.output and res.status in ("crash", "error"):
        tail = "\n".join(res.output.strip().splitlines()[-8:])
        if tail:
            console.print("[bold]Last output before it stopped:[/]")
            _block(console, tail, 2)
    hint = hint_for(ex, res) if res.status != "skip" else None  # a skip is the machine's, not the code's
    if hint:
        _say(console, "Hint:", hint)
    _say(console, "Lesson:", ex.lesson_link, f"  (with `mkdocs serve`: {site_link(course, ex)})")


def hint_for(ex: Exercise, res: ExerciseResult | None) -> str | None:
    """The hint for this grade: the first of the exercise's hints that applies to it (a
    plain hint always does; others only to the problem they are about: manifest.Hint)."""
    if res is None:
        return ex.hint_for("", [])
    failing = [(t.name, t.message) for t in res.tests if t.status not in ("pass", "skip")]
    return ex.hint_for(res.message or "", failing)


def _block(console: Console, text: str, n: int) -> None:
    """Print text indented by n, wrapped between words only: a path or a name longer than
    the line stays whole (rich would cut it mid-word; soft_wrap leaves it to the terminal,
    and a copied path still works)."""
    console.print(_indent(text, n, console.width), soft_wrap=True)


def _say(console: Console, label: str, text: str, dim: str = "") -> None:
    """``label text dim``, the label in bold and ``dim`` dimmed, wrapped between words only
    (as _block)."""
    width = max(console.width - 1, 40)
    lines = textwrap.wrap(f"{label} {text}{dim}", width, break_long_words=False, break_on_hyphens=False) or [label]
    out = Text("\n".join(lines))
    out.stylize("bold", 0, len(label))
    if dim.strip():
        out.stylize("dim", out.plain.rfind(dim.split()[0]))
    console.print(out, soft_wrap=True)


def _indent(text: str, n: int, columns: int | None = None) -> Text:
    """The text indented by n, prose wrapped to the console width (lines that
    start with white space, such as compiler excerpts, are kept as they are)."""
    width = max((columns or shutil.get_terminal_size((80, 24)).columns) - n - 1, 40)
    pad = " " * n
    out = []
    for line in (text or "").splitlines() or [""]:
        if line[:1].isspace() or len(line) <= width:
            out.append(pad + line)
        else:
            out.extend(
                pad + part for part in textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False)
            )
    return Text("\n".join(out), no_wrap=True, overflow="ignore")


def to_json(selected: list[Exercise], results: dict[str, ExerciseResult], display: str, interrupted: bool) -> dict:
    exercises = []
    for ex in selected:
        res = results.get(ex.id)
        entry = (
            res.to_json()
            if res
            else {
                "id": ex.id,
                "lesson": ex.lesson.id,
                "status": "not graded",
                "points": 0,
                "max_points": ex.points,
                "message": "",
                "tests": [],
            }
        )
        entry["title"] = ex.title
        entry["lesson_link"] = ex.lesson_link
        exercises.append(entry)
    return {
        "schema": 1,
        "score": sum(e["points"] for e in exercises),
        "max_score": sum(ex.points for ex in selected),
        "tree": display,
        "interrupted": interrupted,
        "exercises": exercises,
    }


def to_gradescope(selected: list[Exercise], results: dict[str, ExerciseResult]) -> dict:
    """The report in Gradescope's autograder format (results.json): one "test" per exercise,
    all-or-nothing as in the course, with the failing checks' messages as its output.

    Scores come from the manifest and the engine's status alone: ``max_score`` is the
    exercise's points in course.toml and ``score`` is that or 0. Points recorded in a result
    (a cached verdict, or anything a submission managed to forge) are never read, so no
    exercise can score more than its maximum."""
    tests: list[dict[str, Any]] = []
    for ex in selected:
        res = results.get(ex.id)
        status = res.status if res else "not graded"
        lines = [f"status: {status}"]
        if res is not None and status != "pass":
            failing = [t for t in res.tests if t.status not in ("pass", "skip")]
            if failing:
                for t in failing[:3]:
                    lines.append(f"✗ {t.name} ({t.status}): {t.message}")
                if len(failing) > 3:
                    lines.append(f"... and {len(failing) - 3} more failing checks")
            elif res.message:
                lines.append(res.message)
        hint = hint_for(ex, res) if status != "pass" else None
        if hint:
            lines.append(f"Hint: {hint}")
        lines.append(f"Lesson: {ex.lesson_link}")
        tests.append(
            {
                "name": f"{ex.id} · {ex.title}",
                "score": ex.points if status == "pass" else 0,
                "max_score": ex.points,
                "status": "passed" if status == "pass" else "failed",
                "output": "\n".join(lines),
                "visibility": "visible",
            }
        )
    score = sum(t["score"] for t in tests)
    return {
        "score": score,
        "output": f"{score}/{sum(ex.points for ex in selected)} points. Grade it yourself any time: nox -s grade",
        "tests": tests,
    }
