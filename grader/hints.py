"""Progressive hints: ``python -m grader.hints EXERCISE_ID`` (``nox -s hint -- 07_structs/geometry``).

A grade shows the first hint that applies to the problem in front of the learner
(report.hint_for). This command shows the next one each time it is run, so a
learner who is stuck asks for more help one step at a time instead of reading
the answer at the first failure. Which hints apply is decided as for a grade:
the exercise is graded as its files are now (a verdict already in the cache
costs nothing), and the hints that apply to that grade are shown in the order
course.toml lists them. How many the learner has seen is remembered per
exercise, next to the progress record of the graded folder in the cache
(``progress/<key>.hints.json``, never among the learner's files); it starts
again once the exercise passes.

Exit status: 0 a hint (or none needed) shown, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import cache, command, manifest, progress, report, runner, session


def _seen_path(cache_root: Path, course: manifest.Course, tree: Path) -> Path:
    return progress.state_path(cache_root, course, tree).with_suffix(".hints.json")


def applicable(ex: manifest.Exercise, res: runner.ExerciseResult) -> list[str]:
    """The exercise's hints that apply to this grade, in course.toml's order."""
    failing = [(t.name, t.message) for t in res.tests if t.status not in ("pass", "skip")]
    return [h.text for h in ex.hints if h.applies(res.message or "", failing)]


def next_hint(
    course: manifest.Course, ex: manifest.Exercise, res: runner.ExerciseResult, cache_root: Path, tree: Path
) -> str:
    """What ``nox -s hint`` prints for ``ex`` graded as ``res``, and one more hint counted as seen."""
    path = _seen_path(cache_root, course, tree)
    seen = cache.read_json(path)
    seen = seen if isinstance(seen, dict) else {}
    if res.status == "pass":
        seen.pop(ex.id, None)
        _save(path, seen)
        return f"{ex.id} passes: no hint needed. Next: nox -s grade"
    hints = applicable(ex, res)
    if not hints:
        return (
            f"{ex.id} has no hint for this problem. Reread the lesson section: {ex.lesson_link}; "
            "the failing check's message says what was expected."
        )
    # A grade of these very files showed the first hint (the progress record has their
    # digest): each run of this command shows one more. Never graded: the first, first.
    graded = progress.load(cache_root, course, tree).get(ex.id, {}).get("files_key") == res.files_key
    shown = seen[ex.id] if isinstance(seen.get(ex.id), int) else (1 if graded else 0)
    number = min(shown + 1, len(hints))
    seen[ex.id] = number
    _save(path, seen)
    text = f"Hint {number} of {len(hints)} for {ex.id}: {hints[number - 1]}"
    if number == len(hints):
        more = "That is the last hint" if len(hints) > 1 else "That is the only hint"
        text += f"\n{more} for this problem. The lesson section: {ex.lesson_link}"
    else:
        text += f"\nAnother one: nox -s hint -- {ex.id}"
    return text


def _save(path: Path, seen: dict) -> None:
    try:
        cache.write_json_atomic(path, seen)
    except OSError:
        pass  # a read-only cache: the next run shows the same hint again, nothing worse


def main(argv: list[str] | None = None) -> int:
    return command.run(lambda: _main(argv))


def _main(argv: list[str] | None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grader.hints", description="Show the next hint for an exercise (the grade shows the first)."
    )
    p.add_argument("exercise", help="an exercise id, e.g. 07_structs/geometry")
    command.add_course_option(p)
    args = p.parse_args(argv)
    course = command.load_course(args)
    ex = command.find_exercise(course, args.exercise)
    tree = course.root / "exercises"
    # The grade's own cache (see session.open_cache): the hint goes with the grade it follows.
    cache_root = session.open_cache([tree], course.root, report.Console(stderr=True, highlight=False))
    res = session.Session(course.root, cache_root).grade([session.Task(ex, tree, session.display(tree))])
    print(next_hint(course, ex, next(iter(res.values())), cache_root, tree))
    return 0


if __name__ == "__main__":
    sys.exit(main())
