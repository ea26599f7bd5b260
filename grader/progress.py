"""The learner's progress through the course, kept between grades.

One small JSON file per graded folder, in the cache root (never among the
learner's files): for each exercise, its last status and points, the content
digest of the files that were graded, and when it first passed. Grading one
lesson updates its exercises and leaves the others' records alone, so the
report can say how far the learner is in the whole course and which exercise
comes next, without grading everything again. ``catchup`` reads it too: an
exercise whose current files are the ones that passed is left as it is.

Losing the file loses nothing but this summary: the next full grade rebuilds it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .manifest import Course, Exercise

SCHEMA = 1


def state_path(cache_root: Path, course: Course, tree: Path) -> Path:
    """Where the progress of ``tree`` in ``course`` is kept, under ``cache_root``."""
    return cache_root / cache.PROGRESS / f"{cache.digest(str(course.root.resolve()), str(tree.resolve()))}.json"


def load(cache_root: Path, course: Course, tree: Path) -> dict[str, dict]:
    """The records by exercise id; empty when there are none (or the file is unreadable)."""
    try:
        data = json.loads(state_path(cache_root, course, tree).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("exercises"), dict):
        return {}
    return {k: v for k, v in data["exercises"].items() if isinstance(v, dict)}


def update(cache_root: Path, course: Course, tree: Path, results: dict) -> dict[str, dict]:
    """Merge this run's results (``ExerciseResult`` by id, each with the ``files_key`` it graded)
    into the records and save them."""
    records = load(cache_root, course, tree)
    now = time.strftime("%Y-%m-%dT%H:%M:%S")
    for ex_id, res in results.items():
        if res.status == "interrupted":
            continue
        old = records.get(ex_id, {})
        passed = res.status == "pass"
        records[ex_id] = {
            "status": res.status,
            "points": res.points,
            "max_points": res.max_points,
            "files_key": res.files_key,
            "graded_at": now,
            "first_passed_at": old.get("first_passed_at") or (now if passed else None),
        }
    path = state_path(cache_root, course, tree)
    try:
        cache.write_json_atomic(path, {"schema": SCHEMA, "tree": str(tree.resolve()), "exercises": records})
    except OSError:
        pass  # a read-only cache costs the summary, never the grade
    return records


@dataclass
class Summary:
    done: int
    total: int
    points: int
    max_points: int
    next: Exercise | None


def summarise(course: Course, records: dict[str, dict]) -> Summary:
    done = [ex for ex in course.exercises if records.get(ex.id, {}).get("status") == "pass"]
    next_ex = next((ex for ex in course.exercises if records.get(ex.id, {}).get("status") != "pass"), None)
    return Summary(
        done=len(done),
        total=len(course.exercises),
        points=sum(ex.points for ex in done),
        max_points=sum(ex.points for ex in course.exercises),
        next=next_ex,
    )


def next_in(course: Course, records: dict[str, dict], selected: list[Exercise]) -> tuple[Exercise | None, bool]:
    """The exercise to do next for a learner who graded ``selected``, and whether it is inside
    the selection: the first of the selection that does not pass; when all of it passes, the
    first that does not among those after the selection's start (never one before it: a learner
    who chose a lesson is not sent back to lesson 01). ``(None, False)`` when none is left."""
    status = {ex_id: rec.get("status") for ex_id, rec in records.items()}
    inside = next((ex for ex in selected if status.get(ex.id) != "pass"), None)
    if inside is not None:
        return inside, True
    chosen = {ex.id for ex in selected}
    start = next((i for i, ex in enumerate(course.exercises) if ex.id in chosen), len(course.exercises))
    after = next((ex for ex in course.exercises[start:] if status.get(ex.id) != "pass"), None)
    return after, False


def passing_key(records: dict[str, dict], ex_id: str) -> str | None:
    """The content digest of the files with which ``ex_id`` last passed, if it did."""
    rec = records.get(ex_id, {})
    return rec.get("files_key") or None if rec.get("status") == "pass" else None
