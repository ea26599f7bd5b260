"""Write Gradescope's results.json from the engine's JSON report, checked against the manifest.

    python -m grader.gradescope REPORT.json RESULTS.json [SELECTOR ...] [--status N] [--stderr FILE]

``instructors/gradescope/run_autograder`` runs this after the engine, so the file
Gradescope reads is written by the autograder itself, from what the engine
reported, never taken as it lies on disk: scores come from course.toml through
``report.to_gradescope`` (an exercise's points if its status is pass, else 0),
only the selected exercises count, and anything in the report that is not an
exercise's verdict is ignored. If the engine left no report (a refusal, a fault,
a submission not laid out like exercises/), results.json says so with score 0
and the end of the engine's error output.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import cache, command, manifest, report
from .results import VERDICTS, ExerciseResult, TestResult, status_of

MAX_REPORT_BYTES = 32 << 20  # the engine's report is a few hundred KiB at most; anything larger is not its own
MAX_TEXT = 4000  # characters of a message or of the engine's error output kept


def _read_report(path: Path) -> dict | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_REPORT_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_REPORT_BYTES:
        return None
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) and isinstance(parsed.get("exercises"), list) else None


def _text(value) -> str:
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def _result(ex: manifest.Exercise, entry: dict) -> ExerciseResult | None:
    """The verdict of ``ex`` from the report's entry; points are left at 0 (they are not read)."""
    status = status_of(entry.get("status"))
    tests = entry.get("tests")
    if status is None or status not in VERDICTS or not isinstance(tests, list):
        return None
    # A check's status is shown as the report has it (it does not score): text it does not know stays text.
    checks = [
        TestResult(
            _text(t.get("name")),
            status_of(t.get("status")) or _text(t.get("status")),  # type: ignore[arg-type]
            _text(t.get("message")),
        )
        for t in tests[:1000]
        if isinstance(t, dict)
    ]
    return ExerciseResult(
        id=ex.id,
        lesson=ex.lesson.id,
        status=status,
        points=0,
        max_points=ex.points,
        message=_text(entry.get("message")),
        tests=checks,
    )


def results_from_report(selected: list[manifest.Exercise], data: dict) -> dict[str, ExerciseResult]:
    wanted = {ex.id: ex for ex in selected}
    results = {}
    for entry in data["exercises"]:
        if isinstance(entry, dict) and entry.get("id") in wanted and entry["id"] not in results:
            res = _result(wanted[entry["id"]], entry)
            if res is not None:
                results[res.id] = res
    return results


def finish(selected: list[manifest.Exercise], report_path: Path, status: int, stderr: str) -> dict:
    data = _read_report(report_path)
    if data is None:
        total = sum(ex.points for ex in selected)
        tail = "\n".join(stderr.strip().splitlines()[-12:])[-MAX_TEXT:]
        lines = [f"0/{total} points: the grading engine did not grade this submission (exit status {status})."]
        if tail:
            lines.append(f"What it said:\n{tail}")
        if "--allow-unsandboxed" in tail:  # the engine refused: no sandbox works on this image
            lines.append(
                "Instructors: ALLOW_UNSANDBOXED=1 in run_autograder grades without a sandbox "
                "(only for work you trust); students: nothing is wrong with your submission."
            )
        elif "not laid out like" in tail:
            lines.append(
                "Submit your clone of the course, or its exercises/ folder; grade it yourself with nox -s grade to see."
            )
        return {"score": 0, "output": "\n".join(lines), "tests": []}
    out = report.to_gradescope(selected, results_from_report(selected, data))
    isolation = data.get("isolation")
    if isinstance(isolation, str) and isolation in ("bwrap", "user", "none"):
        out["output"] += f"\nLearner code ran with isolation: {isolation}."
    if data.get("interrupted") is True:
        out["output"] += "\nGrading was interrupted: exercises not graded score 0."
    return out


def main(argv: list[str] | None = None) -> int:
    return command.run(lambda: _main(argv))


def _main(argv: list[str] | None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader.gradescope", description="Write Gradescope's results.json from the engine's JSON report."
    )
    p.add_argument("report", help="the engine's --json report")
    p.add_argument("results", help="results.json to write")
    p.add_argument("selectors", nargs="*", metavar="SELECTOR", help="what was graded (default: all)")
    p.add_argument("--status", type=int, default=0, help="the engine's exit status")
    p.add_argument("--stderr", metavar="FILE", help="the engine's error output, quoted when it graded nothing")
    command.add_course_option(p)
    args = p.parse_args(argv)
    course = command.load_course(args)
    selected = course.select(args.selectors)
    stderr = ""
    if args.stderr:
        try:
            with open(args.stderr, "rb") as fh:
                fh.seek(0, 2)
                fh.seek(max(fh.tell() - 64_000, 0))
                stderr = fh.read().decode("utf-8", "replace")
        except OSError:
            pass
    cache.write_json_atomic(Path(args.results).resolve(), finish(selected, Path(args.report), args.status, stderr))
    return 0


if __name__ == "__main__":
    sys.exit(main())
