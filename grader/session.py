"""One grading session: the cache root, the engine's fingerprint, the sandbox, the
worker pool and Ctrl-C, for every command that grades (grade, watch, room, hint,
catchup). A session grades tasks (an exercise in a folder, shown as the learner
knows that folder) with ``runner.grade``, several at once.
"""

from __future__ import annotations

import atexit
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import cache, manifest, procs, report, runner
from . import sandbox as sandbox_mod
from .command import UsageError


def display(tree: Path) -> str:
    """How the learner knows the graded folder: relative to the current folder when
    inside it ("exercises"), else whole. Every message maps the scratch copy's paths
    back to this (paths.Paths), so it is part of a verdict's key."""
    try:
        return tree.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(tree)


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.relative_to(parent)
        return True
    except ValueError:
        return False


def _check_place(cache_root: Path, graded: Iterable[Path], course_root: Path) -> None:
    for tree in graded:
        for other, what in (
            (manifest.ROOT, "the course repository"),
            (course_root, "the course"),
            (tree, "the graded folder"),
        ):
            if _inside(cache_root, other):
                raise UsageError(
                    f"the cache folder {cache_root} is inside {what}; builds must not be written there. "
                    f"Point {cache.ENV_VAR} somewhere else (or unset it for the default)."
                )


# Temporary caches standing in for one that cannot be written, by that cache's
# path: `watch` grades again and again in one process, and reuses its stand-in.
_stand_ins: dict[Path, cache.Cache] = {}


def open_cache(graded: list[Path], course_root: Path, err) -> Path:
    """The cache root this command grades with: never inside the course or a
    graded folder, and ours (tagged, new or empty) or refused (UsageError). One
    that cannot be written gives a temporary cache, with ONE warning line on
    ``err`` per grade, removed when the process ends."""
    cache_root = cache.cache_root()
    _check_place(cache_root, graded, course_root)
    store = _stand_ins.get(cache_root)
    if store is None or not cache.is_ours(store.path):
        try:
            store = cache.open_cache(cache_root)
        except cache.CacheError as exc:
            raise UsageError(str(exc)) from None
        if store.temporary:
            _stand_ins[cache_root] = store
            atexit.register(store.close)
    if store.temporary:
        err.print(report.escape(store.warning), soft_wrap=True)
    return store.path


def choose_sandbox(allow_unsandboxed: bool, err) -> sandbox_mod.Sandbox:
    """The sandbox for grading someone else's work: the strongest available. None
    possible: UsageError with the reason and what to install, unless the
    instructor allows it, then one loud warning line on ``err``."""
    box = sandbox_mod.detect()
    if box.isolated:
        return box
    if not allow_unsandboxed:
        raise UsageError(
            f"no sandbox is possible here ({box.reason}), and the work graded is not your own: its code would "
            f"run with your rights. {sandbox_mod.INSTALL[0].upper()}{sandbox_mod.INSTALL[1:]}, or run the engine "
            "as root where user namespaces are blocked (it then uses a separate uid); or pass "
            "--allow-unsandboxed to grade anyway, unprotected."
        )
    err.print(
        f"[bold red]WARNING: grading WITHOUT a sandbox ({report.escape(box.reason)}): learner code runs "
        "with your rights and can read and change your files.[/]",
        soft_wrap=True,
    )
    return box


class Task(NamedTuple):
    """One exercise to grade, in ``tree``, whose paths the learner reads as ``shown``;
    ``who`` tells apart the same exercise of several folders (a room's participants)."""

    exercise: manifest.Exercise
    tree: Path
    shown: str
    who: str = ""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM) during a session's grade: every child is killed; ``results``
    holds what had finished."""

    def __init__(self, results: dict[Task, runner.ExerciseResult]):
        super().__init__()
        self.results = results


class _StopRequest:
    """Ctrl-C and SIGTERM while a session's workers run: the signal sets a flag the
    grading loop reads between two waits, instead of raising KeyboardInterrupt
    wherever the main thread happens to be. Raised inside concurrent.futures.wait(),
    it can leave a future's lock held (wait() takes them one by one, outside any
    ``with``); the worker that then finishes that future blocks on the lock, and the
    pool's shutdown waits for it for ever: a Ctrl-C that never ended the grade (seen
    on PyPy in CI). Windows delivers Ctrl-C as SIGINT too; SIGTERM is POSIX's."""

    def __init__(self) -> None:
        self.requested = False

    def _handler(self, _signum, _frame) -> None:  # signal.signal's handler signature
        self.requested = True

    @contextmanager
    def catching(self) -> Iterator[None]:
        """Install the flag's handler for SIGINT and SIGTERM (only the main thread can:
        elsewhere the caller's own handling applies) where the signal is not ignored,
        and put the caller's handlers back on the way out."""
        saved = {}
        if threading.current_thread() is threading.main_thread():
            for name in ("SIGINT", "SIGTERM"):
                signum = getattr(signal, name, None)
                if signum is None or signal.getsignal(signum) in (signal.SIG_IGN, None):
                    continue  # ignored (a background job), or set outside Python: left alone
                saved[signum] = signal.signal(signum, self._handler)
        try:
            yield
        finally:
            for signum, handler in saved.items():
                signal.signal(signum, handler)


@dataclass
class Session:
    """The grading state shared by the tasks of one command."""

    course_root: Path
    cache_root: Path
    settings: runner.Settings = field(default_factory=runner.Settings)
    fingerprint: str = field(default_factory=cache.fingerprint)
    live: procs.LiveProcesses = field(default_factory=procs.LiveProcesses)

    def grade(
        self, tasks: list[Task], jobs: int = 0, tick: Callable[[int, list[Task]], None] | None = None
    ) -> dict[Task, runner.ExerciseResult]:
        """Grade ``tasks``, ``jobs`` at once (default: one per core). ``tick(done,
        running)`` is called as they finish, and every 0.2 s (a spinner). A stop kills
        every child and raises Interrupted with the results that finished; any other
        exception (a fault of the engine) kills them too, and goes on up."""
        results: dict[Task, runner.ExerciseResult] = {}
        futures = {}
        pool = ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2)
        stop = _StopRequest()
        try:
            with stop.catching():
                futures = {
                    pool.submit(
                        runner.grade,
                        t.exercise,
                        self.course_root,
                        t.tree,
                        t.shown,
                        self.cache_root,
                        self.settings,
                        self.fingerprint,
                        self.live,
                    ): t
                    for t in tasks
                }
                pending = set(futures)
                while pending and not stop.requested:
                    done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                    for fut in done:
                        results[futures[fut]] = fut.result()
                    if tick is not None:
                        tick(len(results), [futures[f] for f in pending if f.running()])
            if stop.requested:  # also when it came as the last exercise finished
                raise KeyboardInterrupt
        except KeyboardInterrupt:
            # The handlers are the caller's again: a second Ctrl-C while the children
            # are being ended stops the command at once.
            self.live.kill_all()
            pool.shutdown(wait=True, cancel_futures=True)
            for fut, task in futures.items():
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    results[task] = fut.result()
            raise Interrupted(results) from None
        except BaseException:
            self.live.kill_all()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return results
