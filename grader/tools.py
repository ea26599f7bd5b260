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
one named, except those that pass with the learner's files as they are now:
the files are the very ones a recorded grade passed (progress.py keeps their
digest), or they are graded first (cached verdicts make that cheap).

Both judge what is in the folder now, safely: a file is the same only if it is
a regular file with the same bytes; a link is backed up as a link, a FIFO or a
device has no content to back up (and is never opened), a folder where a file
should be stops the command before anything changes. A stop (Ctrl-C, SIGTERM)
leaves no temporary file, and ends with one line saying where the backups are.

Exit status: 0 done, 2 bad input or nothing to do it with (no git, an unknown
id, a folder in the way), 130 stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import command, files, manifest, progress, report, runner, session

TMP_SUFFIX = ".cffi-course-tmp"
# Tests only: "INT:2" raises SIGINT (or TERM) in this process right after the
# temporary copy of the 2nd file is written: a stop at the worst moment, on cue.
_TEST_STOP = "CFFI_COURSE_TEST_STOP"


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


def _same(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file (not a link) holding exactly ``data``;
    reads no more than ``len(data)`` bytes, and opens nothing else."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
        return False
    try:
        with open(path, "rb") as f:
            return f.read(len(data) + 1) == data
    except OSError:
        return False


def _back_up(path: Path, target: Path, change: Change, course_root: Path) -> None:
    """Keep what is at ``path`` in ``target``, as what it is: a file's bytes, a
    link as a link (never what it leads to: /dev/zero would never end), nothing
    for a FIFO, socket or device (no content; opening a FIFO would block)."""
    st = os.lstat(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    shown = path.relative_to(course_root).as_posix()
    if stat.S_ISLNK(st.st_mode):
        try:
            os.symlink(os.readlink(path), target)
        except OSError:  # Windows without the right to make links: say where it led
            change.notes.append(
                f"{shown} was a link to {os.readlink(path)}; the link itself could not be kept in the backup"
            )
        return
    if not stat.S_ISREG(st.st_mode):
        change.notes.append(f"{shown} {files.kind_of(st.st_mode)}: it had no content to back up")
        return
    if st.st_size > files.DEFAULT_MAX_BYTES:
        # Too big to be an exercise file (a 2 GB sparse file...): the backup is the
        # file itself, hard-linked (no copy, no disk), when the file system allows.
        with contextlib.suppress(OSError):
            os.link(path, target)
            return
    shutil.copy2(path, target)
    if not filecmp.cmp(path, target, shallow=False):
        raise ToolError(f"the backup of {path} could not be checked; nothing was replaced.")


@contextlib.contextmanager
def _signals_held():
    """Ctrl-C and SIGTERM wait while a file is swapped, so a stop falls between two
    files, never between writing the temporary copy and renaming it (POSIX; on
    Windows the temporary file is removed on the way out instead)."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _write(path: Path, data: bytes, number: int) -> None:
    """Replace ``path`` by a regular file holding ``data``: a temporary copy next to
    it, renamed over it (over a link, the link itself goes; what it led to is not
    touched). The temporary file never outlives this call."""
    tmp = path.with_name(path.name + TMP_SUFFIX)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)  # a stale one of ours (never followed: unlink removes a link itself)
    fd = os.open(
        tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0), 0o666
    )
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        stop = os.environ.get(_TEST_STOP, "")
        if stop and stop.split(":")[1] == str(number):
            signal.raise_signal(getattr(signal, "SIG" + stop.split(":")[0]))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def replace_files(course: manifest.Course, new_content: dict[Path, bytes], change: Change) -> Change:
    """Write each file's new content, after copying what is there now into one timestamped backup folder.

    Files whose content is already the new content are left alone. Every backup is
    written before the first file is replaced, so an error part-way loses nothing.
    A folder where a file should be stops it before anything is written."""
    to_write = {}
    for path, data in new_content.items():
        if _same(path, data):
            change.unchanged.append(path)
        else:
            to_write[path] = data
    existing = []
    for path in to_write:
        try:
            st = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            continue
        if stat.S_ISDIR(st.st_mode):
            raise ToolError(
                f"{path.relative_to(course.root).as_posix()} is a folder where the course expects a "
                "file. Rename or move that folder (it may hold your work), then run this again. "
                "Nothing was changed."
            )
        existing.append(path)
    if existing:
        stamp = _stamp()
        backup = backup_root(course) / stamp
        n = 1
        while backup.exists():  # two runs in the same second
            n += 1
            backup = backup_root(course) / f"{stamp}-{n}"
        change.backup_dir = backup
        for path in existing:
            _back_up(path, backup / path.relative_to(course.root), change, course.root)
    for number, (path, data) in enumerate(to_write.items(), 1):
        path.parent.mkdir(parents=True, exist_ok=True)
        with _signals_held():
            _write(path, data, number)
            change.written.append(path)
    return change


# --- reset --------------------------------------------------------------------------------------


def _git(course_root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=course_root, capture_output=True, check=False)
    except FileNotFoundError:
        raise ToolError(
            "reset takes the starter files from git, and git is not installed here. Install git, "
            "or download the starter file again from the course's repository."
        ) from None


def starter_ref(course_root: Path) -> tuple[str, str]:
    """(git revision, how to describe it) that holds the course's starter files."""
    if _git(course_root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise ToolError(
            f"{course_root} is not a git clone, so the starter files cannot be found. Clone the "
            "course with git, or download the starter file again from the course's repository."
        )
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
            raise ToolError(
                f"{rel} is not in {described}, so there is no starter version of it to restore. Nothing was changed."
            )
        out[course.root / rel] = shown.stdout
    return out, described


def reset(course: manifest.Course, exercise_id: str, change: Change | None = None) -> Change:
    ex = command.find_exercise(course, exercise_id)
    starters, described = starter_files(course, ex)
    change = change if change is not None else Change()
    change.notes.append(f"starter files from {described}")
    return replace_files(course, starters, change)


# --- catchup ------------------------------------------------------------------------------------


def _passes_now(
    course: manifest.Course, exercises: list[manifest.Exercise], tree: Path, cache_root: Path
) -> dict[str, runner.ExerciseResult]:
    """Grade ``exercises`` as their files are now, as `nox -s grade` would (same
    cache: a verdict already there costs nothing). A stop ends every child."""
    shown = session.display(tree)
    graded = session.Session(course.root, cache_root).grade([session.Task(ex, tree, shown) for ex in exercises])
    return {res.id: res for res in graded.values()}


def catchup(
    course: manifest.Course, lesson_id: str, cache_root: Path, change: Change | None = None, say=print
) -> Change:
    ids = [lesson.id for lesson in course.lessons]
    if lesson_id not in ids:
        raise ToolError(
            f"no lesson {lesson_id!r}: catchup takes the number of the lesson you want to start, "
            f"one of {', '.join(ids)} (e.g. `nox -s catchup -- 07`)."
        )
    before = [lesson for lesson in course.lessons if ids.index(lesson.id) < ids.index(lesson_id)]
    if not before:
        raise ToolError(f"lesson {lesson_id} is the first: there is nothing before it to catch up on.")
    tree = course.root / "exercises"
    records = progress.load(cache_root, course, tree)
    change = change if change is not None else Change()
    solutions: dict[str, dict[Path, bytes]] = {}
    to_grade = []
    for ex in course.exercises:
        if ex.lesson not in before:
            continue
        solutions[ex.id] = {}
        for name in (*ex.files, *ex.lesson.support):
            source = course.root / "solutions" / ex.lesson.dir / name
            if not source.is_file():
                raise ToolError(
                    f"the course has no solution file {source.relative_to(course.root)}; nothing was changed."
                )
            solutions[ex.id][tree / ex.lesson.dir / name] = source.read_bytes()
        if all(_same(path, data) for path, data in solutions[ex.id].items()):
            continue  # already the solution: nothing to judge, nothing to write
        try:
            current = runner.read_files(ex, tree)
        except files.Unusable:
            continue  # a FIFO, a link out of the folder...: it cannot pass
        if any(current.get(name) is None for name in ex.files):
            continue  # missing
        passing = progress.passing_key(records, ex.id)
        if passing and passing == runner.exercise_key(ex, current):
            change.skipped.append(ex.id)  # these very files passed a recorded grade
        else:
            to_grade.append(ex)
    if to_grade:
        # The last grade recorded is not enough: the files may have changed since
        # (fixed after a failing grade, or never graded). Grade them as they are.
        say(
            f"Grading your own files of {len(to_grade)} exercise{'s' if len(to_grade) != 1 else ''} first "
            "(one that passes is left as it is)..."
        )
        results = _passes_now(course, to_grade, tree, cache_root)
        passed = {ex_id: res for ex_id, res in results.items() if res.status == "pass"}
        change.skipped += [ex.id for ex in to_grade if ex.id in passed]
        progress.update(cache_root, course, tree, passed)
    content: dict[Path, bytes] = {}
    for ex_id, files_of in solutions.items():
        if ex_id not in change.skipped:
            content.update(files_of)
    if change.skipped:
        change.notes.append(f"left as they are, since they pass with your own code: {', '.join(change.skipped)}")
    return replace_files(course, content, change)


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
        print(
            f"Your previous versions are saved in {_show(change.backup_dir, root)}/ "
            "(same folders as in the repository)."
        )
    for note in change.notes:
        print(f"({note})")


def _stopped(change: Change, root: Path) -> str:
    """The one line a stop ends with: what was replaced, and where the previous versions are."""
    if change.written and change.backup_dir is not None:  # nothing is replaced before it is backed up
        n = len(change.written)
        return (
            f"Stopped after replacing {n} file{'s' if n != 1 else ''}; your previous versions are in "
            f"{_show(change.backup_dir, root)}/ (the other files were not touched)."
        )
    if change.backup_dir is not None and change.backup_dir.exists():
        return (
            f"Stopped before any file was replaced: nothing in exercises/ changed (copies were being made in "
            f"{_show(change.backup_dir, root)}/)."
        )
    return "Stopped before any file was replaced: nothing was changed."


def main(argv: list[str] | None = None) -> int:
    change = Change()
    args = None

    def stopped() -> str:
        return _stopped(change, command.course_root(args) if args is not None else manifest.ROOT)

    def body() -> int:
        nonlocal args
        p = argparse.ArgumentParser(
            prog="python -m grader.tools", description="Reset an exercise, or catch up to a lesson."
        )
        sub = p.add_subparsers(dest="command", required=True)
        r = sub.add_parser("reset", help="restore an exercise's starter files (your version is backed up first)")
        r.add_argument("exercise", help="an exercise id, e.g. 07_structs/geometry")
        c = sub.add_parser("catchup", help="fill in the solutions of every lesson before this one (backed up first)")
        c.add_argument("lesson", help="the lesson you want to start, e.g. 07")
        command.add_course_option(p)
        args = p.parse_args(argv)
        course = command.load_course(args)
        if args.command == "reset":
            reset(course, args.exercise, change)
            _print_change(change, course.root, f"Reset {args.exercise}")
            print(f"Grade it: nox -s grade -- {args.exercise}")
            return 0
        # The grade's own cache: not inside the course, never a foreign folder; one that
        # cannot be written gives a temporary one (one warning line), as for a grade.
        tree = course.root / "exercises"
        cache_root = session.open_cache([tree], course.root, report.Console(stderr=True, highlight=False))
        catchup(
            course,
            args.lesson.zfill(2) if args.lesson.isdigit() else args.lesson,
            cache_root,
            change,
            say=lambda line: print(line, flush=True),
        )
        _print_change(change, course.root, f"Caught up to lesson {args.lesson}")
        print(f"Lesson {args.lesson} and the ones after it were not touched. Start here: nox -s grade -- {args.lesson}")
        return 0

    return command.run(body, errors=(ToolError, OSError), stopped=stopped)


if __name__ == "__main__":
    sys.exit(main())
