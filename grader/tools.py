"""The learner's file tools: ``reset`` one exercise, ``catchup`` to a lesson.

    python -m grader.tools reset EXERCISE_ID     (nox -s reset -- 07_structs/geometry)
    python -m grader.tools catchup LESSON        (nox -s catchup -- 07)

These are the only commands of the course that write into the learner's
exercise files, and only because the learner asked for exactly that. Before a
file is replaced, its current content is copied to
``backups/<date>T<time>/exercises/...`` in the repository (a folder git
ignores), and the command says where. A file that already holds what would be
written is not touched and not backed up.

``reset`` takes the starter files from git: the version of the course this
clone follows (its upstream branch, usually origin/main; or HEAD when there is
none), so the learner's own uncommitted edits never count as the starter.
``catchup`` copies the solutions of every exercise in the lessons before the
one named, except those that already pass with the learner's own files (as
the last grade recorded them).

Exit status: 0 done, 2 bad input or nothing to do it with (no git, an unknown id).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, manifest, printable_output, progress, runner

USAGE_ERROR = 2


class ToolError(Exception):
    pass


@dataclass
class Change:
    """What a tool did (or would do) to the learner's files."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    backup_dir: Path | None = None
    skipped: list[str] = field(default_factory=list)  # exercise ids left alone, with the reason in notes
    notes: list[str] = field(default_factory=list)


def backup_root(course: manifest.Course) -> Path:
    return course.root / "backups"


def _stamp() -> str:
    return time.strftime("%Y-%m-%dT%H-%M-%S")


def replace_files(course: manifest.Course, new_content: dict[Path, bytes], change: Change) -> Change:
    """Write each file's new content, after copying what is there now into one timestamped backup folder.

    Files whose content is already the new content are left alone. Every backup is
    written before the first file is replaced, so an error part-way loses nothing."""
    to_write = {}
    for path, data in new_content.items():
        if path.is_file() and path.read_bytes() == data:
            change.unchanged.append(path)
        else:
            to_write[path] = data
    existing = [p for p in to_write if p.exists()]
    if existing:
        stamp = _stamp()
        backup = backup_root(course) / stamp
        n = 1
        while backup.exists():  # two runs in the same second
            n += 1
            backup = backup_root(course) / f"{stamp}-{n}"
        for path in existing:
            target = backup / path.relative_to(course.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            if target.read_bytes() != path.read_bytes():
                raise ToolError(f"the backup of {path} could not be checked; nothing was replaced.")
        change.backup_dir = backup
    for path, data in to_write.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".cffi-course-tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        change.written.append(path)
    return change


# --- reset --------------------------------------------------------------------------------------


def _git(course_root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=course_root, capture_output=True, check=False)
    except FileNotFoundError:
        raise ToolError("reset takes the starter files from git, and git is not installed here. Install git, "
                        "or download the starter file again from the course's repository.") from None


def starter_ref(course_root: Path) -> tuple[str, str]:
    """(git revision, how to describe it) that holds the course's starter files."""
    if _git(course_root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise ToolError(f"{course_root} is not a git clone, so the starter files cannot be found. Clone the "
                        "course with git, or download the starter file again from the course's repository.")
    up = _git(course_root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
    if up.returncode == 0 and up.stdout.strip():
        name = up.stdout.decode().strip()
        return name, f"the course as on {name}"
    return "HEAD", "your last commit (this clone follows no upstream branch)"


def starter_files(course: manifest.Course, ex: manifest.Exercise) -> tuple[dict[Path, bytes], str]:
    ref, described = starter_ref(course.root)
    out = {}
    for name in (*ex.files, *ex.lesson.support):  # the lesson's shared files too (a given C library)
        rel = f"exercises/{ex.lesson.dir}/{name}"
        shown = _git(course.root, "show", f"{ref}:{rel}")
        if shown.returncode != 0:
            raise ToolError(f"{rel} is not in {described}, so there is no starter version of it to restore. "
                            "Nothing was changed.")
        out[course.root / rel] = shown.stdout
    return out, described


def reset(course: manifest.Course, exercise_id: str) -> Change:
    ex = next((e for e in course.exercises if e.id == exercise_id), None)
    if ex is None:
        near = [e.id for e in course.exercises if exercise_id.split("/")[-1] in e.id]
        raise ToolError(f"no exercise {exercise_id!r}. Exercise ids look like 07_structs/geometry"
                        + (f"; did you mean {', '.join(near[:3])}?" if near else "; `nox -s grade` lists them."))
    files, described = starter_files(course, ex)
    change = replace_files(course, files, Change())
    change.notes.append(f"starter files from {described}")
    return change


# --- catchup ------------------------------------------------------------------------------------


def catchup(course: manifest.Course, lesson_id: str, cache_root: Path) -> Change:
    ids = [lesson.id for lesson in course.lessons]
    if lesson_id not in ids:
        raise ToolError(f"no lesson {lesson_id!r}: catchup takes the number of the lesson you want to start, "
                        f"one of {', '.join(ids)} (e.g. `nox -s catchup -- 07`).")
    before = [lesson for lesson in course.lessons if ids.index(lesson.id) < ids.index(lesson_id)]
    if not before:
        raise ToolError(f"lesson {lesson_id} is the first: there is nothing before it to catch up on.")
    tree = course.root / "exercises"
    records = progress.load(cache_root, course, tree)
    change = Change()
    content: dict[Path, bytes] = {}
    for ex in course.exercises:
        if ex.lesson not in before:
            continue
        passing = progress.passing_key(records, ex.id)
        if passing and passing == runner.exercise_key(ex, runner.read_files(ex, tree)):
            change.skipped.append(ex.id)
            continue
        for name in (*ex.files, *ex.lesson.support):
            source = course.root / "solutions" / ex.lesson.dir / name
            if not source.is_file():
                raise ToolError(f"the course has no solution file {source.relative_to(course.root)}; nothing was "
                                "changed.")
            content[tree / ex.lesson.dir / name] = source.read_bytes()
    replace_files(course, content, change)
    if change.skipped:
        change.notes.append(f"left as they are, since they pass with your own code: {', '.join(change.skipped)}")
    return change


# --- command line -------------------------------------------------------------------------------


def _show(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _print_change(change: Change, root: Path, what: str) -> None:
    if change.written:
        print(f"{what}: {len(change.written)} file{'s' if len(change.written) != 1 else ''} replaced:")
        for path in change.written:
            print(f"  {_show(path, root)}")
    else:
        print(f"{what}: nothing to replace, every file already holds that version.")
    if change.backup_dir is not None:
        print(f"Your previous versions are saved in {_show(change.backup_dir, root)}/ "
              "(same folders as in the repository).")
    for note in change.notes:
        print(f"({note})")


def main(argv: list[str] | None = None) -> int:
    printable_output()
    p = argparse.ArgumentParser(prog="python -m grader.tools", description="Reset an exercise, or catch up to a lesson.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("reset", help="restore an exercise's starter files (your version is backed up first)")
    r.add_argument("exercise", help="an exercise id, e.g. 07_structs/geometry")
    c = sub.add_parser("catchup", help="fill in the solutions of every lesson before this one (backed up first)")
    c.add_argument("lesson", help="the lesson you want to start, e.g. 07")
    p.add_argument("--course", metavar="DIR", help=argparse.SUPPRESS)  # another course (tests)
    args = p.parse_args(argv)
    try:
        course = manifest.load(Path(args.course, "course.toml") if args.course else manifest.MANIFEST)
        if args.command == "reset":
            change = reset(course, args.exercise)
            _print_change(change, course.root, f"Reset {args.exercise}")
            print(f"Grade it: nox -s grade -- {args.exercise}")
        else:
            change = catchup(course, args.lesson.zfill(2) if args.lesson.isdigit() else args.lesson,
                             cache.cache_root())
            _print_change(change, course.root, f"Caught up to lesson {args.lesson}")
            print(f"Lesson {args.lesson} and the ones after it were not touched. Start here: "
                  f"nox -s grade -- {args.lesson}")
    except (ToolError, manifest.ManifestError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
