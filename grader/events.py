"""Reads what a grade's child processes report (protocol.py): one state machine, fed
the bytes of each child's events file as they arrive, that knows which check is
running and what it is doing (for its time limit), and keeps every check's result.

The events file is written by the learner's code too (it runs in the same process, and
may forge or garble lines): a line that is not an event of the right shape is skipped,
an event is taken as it comes (a later result for the same check replaces an earlier
one), and the file is read only while it is a regular file, up to EVENTS_LIMIT bytes.
"""

from __future__ import annotations

import enum
import json
import os
import stat
from pathlib import Path

from . import protocol as p
from .results import Status, TestResult, status_of

EVENTS_LIMIT = 16 << 20  # bytes of a child's events file read at most
CHECK_STATUSES = (Status.PASS, Status.FAIL, Status.ERROR, Status.SKIP, Status.CRASH, Status.TIMEOUT)


class Waiting(enum.Enum):
    """What the child is doing, so which time limit applies."""

    COLLECT = "collect"  # starting, collecting, or between two checks
    SETUP = "setup"  # preparing a check: building and importing the learner's code
    CHECK = "check"  # running a check


def read_new(path: Path, offset: int) -> tuple[bytes, int]:
    """What was appended to the events file since ``offset``, and the new offset."""
    if offset >= EVENTS_LIMIT:
        return b"", offset
    try:
        # Non-blocking, and only a regular file: the child's code could have put a
        # FIFO there, whose open() would otherwise hang the engine.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return b"", offset
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return b"", EVENTS_LIMIT  # nothing more will be read
        # Ask for what is there, not for up to the limit: PyPy allocates (and fills) a
        # buffer of the size asked for, so read(16 MiB) twenty times a second cost an engine
        # on PyPy most of a core and up to 2 GB of memory while a child ran.
        size = min(info.st_size, EVENTS_LIMIT) - offset
        if size <= 0:
            return b"", offset
        f.seek(offset)
        data = f.read(size)
    return data, offset + len(data)


def _time(value: object, now: float) -> float:
    """An event's time, by the child's clock; ``now`` for one it lacks, and at most ``now``:
    the time limit runs from it, and a line dated in the future (or NaN, which json reads)
    would hold off the limit for ever, a hang the learner's code could forge."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return now
    try:
        at = float(value)
    except OverflowError:  # an int too large for a float
        return now
    return at if at <= now else now  # NaN compares false: now


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


class ChildEvents:
    """What the children of one grade reported. ``order``, ``results``, ``warnings``
    and ``callback_errors`` add up over the children; the rest is about the child
    being read, and starts again with ``new_child()``."""

    def __init__(self) -> None:
        self.order: list[str] = []  # the checks, from the first child that collected any
        self.results: dict[str, TestResult] = {}  # by node id, in the order they came
        self.warnings: list[str] = []  # the compiler's, about the learner's lines
        self.callback_errors: dict[str, list[str]] = {}  # by node id
        self.new_child()

    def new_child(self) -> None:
        self.current: str | None = None  # the check started and not yet ended
        self.phase: str | None = None  # what ``current`` was last doing: protocol.SETUP or CALL
        self.done = False  # pytest finished
        self.exitstatus: object = None
        self.collect_error: str | None = None  # the first: the grader could not be loaded
        self.waiting = Waiting.COLLECT
        self.since: float | None = None  # when ``waiting`` began, by the child's clock; None: at its start
        self._partial = b""

    def feed(self, data: bytes, now: float) -> None:
        """Read the bytes that came; a line without its end waits for the rest.
        ``now`` stands for the time of an event that has none."""
        data = self._partial + data
        end = data.rfind(b"\n") + 1
        self._partial = data[end:]
        for line in data[:end].splitlines():
            try:
                event = json.loads(line)
            except (ValueError, RecursionError):
                continue
            if isinstance(event, dict):
                self.event(event, now)

    def event(self, ev: dict, now: float) -> None:
        kind = ev.get(p.KIND)
        test = ev.get(p.TEST)
        at = _time(ev.get(p.TIME), now)
        if kind == p.COLLECTED:
            tests = ev.get(p.TESTS)
            if not self.order and isinstance(tests, list) and all(isinstance(t, str) for t in tests):
                self.order = list(tests)
        elif kind == p.COLLECT_ERROR:
            if self.collect_error is None:
                self.collect_error = _text(ev.get(p.MESSAGE))
        elif kind == p.START and isinstance(test, str):
            self.current, self.phase = test, None
            self.waiting, self.since = Waiting.CHECK, at
        elif kind == p.PHASE:
            self.phase = ev.get(p.WHEN)
            self.waiting = Waiting.SETUP if self.phase == p.SETUP else Waiting.CHECK
            self.since = at
        elif kind == p.RESULT and isinstance(test, str) and status_of(ev.get(p.STATUS)) in CHECK_STATUSES:
            self.results[test] = TestResult(
                test, Status(ev[p.STATUS]), _text(ev.get(p.MESSAGE)), _text(ev.get(p.FAILURE))
            )
            self.current = None
            self.waiting, self.since = Waiting.COLLECT, at
        elif kind == p.DONE:
            self.done, self.exitstatus = True, ev.get(p.EXIT_STATUS)
        elif kind == p.CALLBACK_ERROR and isinstance(ev.get(p.TEXT), str):
            texts = self.callback_errors.setdefault(str(test), [])
            if ev[p.TEXT] not in texts:
                texts.append(ev[p.TEXT])
        elif kind == p.WARNINGS and isinstance(ev.get(p.ITEMS), list):
            # At most six new ones a build: the first are the ones that matter.
            self.warnings += [w for w in ev[p.ITEMS] if isinstance(w, str) and w not in self.warnings][:6]
