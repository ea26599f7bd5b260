"""``nox -s watch``: grade again every time an exercise file is saved.

    python -m grader.watch [SELECTOR ...] [--poll] [--tree DIR]

Grades the selection once (default: the exercise the progress file says is
next, or the whole course), then waits. Saving a file of an exercise grades
that exercise again (within the selection, if one was given). Typing Enter
grades again by hand: the fallback where file events do not arrive (network
folders, some editors, Windows drives seen from WSL); ``q`` then Enter, or
Ctrl-C, stops. The learner's files are only read, as in every grade.

File events come from watchfiles (inotify, FSEvents, ReadDirectoryChangesW);
``--poll`` makes it look every half second instead, and is chosen by itself for
a Windows drive under WSL (``/mnt/c/...``), where inotify sees nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import queue
import sys
import threading
import time
from pathlib import Path

from . import cache, cli, command, manifest, progress

IGNORED_SUFFIXES = (".so", ".o", ".obj", ".pyd", ".dll", ".dylib", ".pyc", ".swp", ".swx", ".tmp", "~")


def exercise_for(path: Path, tree: Path, course: manifest.Course) -> manifest.Exercise | None:
    """The exercise a changed file belongs to, or None for anything else (build output, editor files...)."""
    try:
        rel = path.resolve().relative_to(tree.resolve()).as_posix()
    except ValueError:
        return None
    name = rel.rsplit("/", 1)[-1]
    if name.endswith(IGNORED_SUFFIXES) or name.startswith((".#", "#")) or "__pycache__" in rel:
        return None
    for ex in course.exercises:
        if any(rel == f"{ex.lesson.dir}/{f}" for f in ex.files):
            return ex
    return None


def on_wsl_windows_drive(tree: Path) -> bool:
    return "microsoft" in platform.release().lower() and str(tree.resolve()).startswith("/mnt/")


def _default_selection(course: manifest.Course, tree: Path) -> list[str]:
    summary = progress.summarise(course, progress.load(cache.cache_root(), course, tree))
    return [summary.next.id] if summary.next is not None else []


def _watch_files(tree: Path, poll: bool, events: queue.Queue, stop: threading.Event) -> None:
    import watchfiles

    try:
        for changes in watchfiles.watch(
            tree, stop_event=stop, force_polling=poll, poll_delay_ms=500, debounce=400, raise_interrupt=False
        ):
            events.put(("files", {Path(p) for _, p in changes}))
    except Exception as exc:  # e.g. too many inotify watches: say so, keep the manual key
        events.put(("error", f"watching files stopped ({exc}); press Enter to grade again by hand."))


def _read_keys(events: queue.Queue) -> None:
    for line in sys.stdin:
        events.put(("key", line.strip().lower()))
    events.put(("key", "eof"))


def main(argv: list[str] | None = None) -> int:
    return command.run(lambda: _main(argv))


def _main(argv: list[str] | None) -> int:
    p = argparse.ArgumentParser(prog="nox -s watch --", description="Grade again on every save.")
    p.add_argument(
        "selectors", nargs="*", metavar="SELECTOR", help="a lesson (07) or an exercise id; default: your next exercise"
    )
    p.add_argument(
        "--poll", action="store_true", help="look for changes every half second instead of waiting for file events"
    )
    p.add_argument("--tree", metavar="DIR", help=argparse.SUPPRESS)
    command.add_course_option(p)
    args = p.parse_args(argv)
    course = command.load_course(args)
    selected = course.select(args.selectors)
    tree = Path(args.tree).resolve() if args.tree else course.root / "exercises"
    order = [ex.id for ex in course.exercises]
    chosen = {ex.id for ex in selected}  # what a save may grade: the selection, or every exercise
    first = [ex.id for ex in selected] if args.selectors else _default_selection(course, tree)
    poll = args.poll or on_wsl_windows_drive(tree)
    common = [*(["--course", args.course] if args.course else []), *(["--tree", args.tree] if args.tree else [])]

    def grade(ids: list[str]) -> None:
        print(f"\n── {time.strftime('%H:%M:%S')} · grading {', '.join(ids) if ids else 'everything'} ──", flush=True)
        if cli.main([*common, *ids]) == command.INTERRUPTED:
            # Ctrl-C or SIGTERM stopped the grade (it said what it had graded): that stops
            # the watch too, or a closed terminal would leave it running.
            raise KeyboardInterrupt
        print(
            f"Watching {len(chosen)} exercise{'s' if len(chosen) != 1 else ''} for saves"
            f"{' (polling)' if poll else ''}. Enter: grade again · q, Enter: quit",
            flush=True,
        )

    events: queue.Queue = queue.Queue()
    stop = threading.Event()
    threading.Thread(target=_watch_files, args=(tree, poll, events, stop), daemon=True).start()
    threading.Thread(target=_read_keys, args=(events,), daemon=True).start()
    last = first
    try:
        grade(last)
        while True:
            kind, value = events.get()
            if kind == "key":
                if value == "eof":  # no keyboard (stdin closed): file events only, Ctrl-C stops
                    continue
                if value in ("q", "quit", "exit"):
                    break
                grade(last)
            elif kind == "files":
                hit = {ex.id for path in value if (ex := exercise_for(path, tree, course)) is not None}
                hit &= chosen
                if hit:
                    last = sorted(hit, key=order.index)
                    grade(last)
            else:
                print(value, flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
    print("Stopped watching.")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
