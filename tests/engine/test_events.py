"""The event reader (grader/events.py) and the result model (grader/results.py), fed
made-up lines: no process is started. What each child event does to the grade is
checked end to end in test_faults.py; here, every shape a line can take."""

from __future__ import annotations

import json
import os

import pytest

from grader import protocol as p
from grader.events import EVENTS_LIMIT, ChildEvents, Waiting, read_new
from grader.results import VERDICTS, ExerciseResult, Status, TestResult

A, B = "test_x.py::test_a", "test_x.py::test_b"


def line(kind: str, t: float | None = None, /, **fields) -> bytes:
    event = {p.KIND: kind, **fields}
    if t is not None:
        event[p.TIME] = t
    return (json.dumps(event) + "\n").encode()


def start(test: str, t: float) -> bytes:
    return line(p.START, t, **{p.TEST: test})


def phase(test: str, when: str, t: float) -> bytes:
    return line(p.PHASE, t, **{p.TEST: test, p.WHEN: when})


def result(test: str, status: str, t: float, message: str = "", kind: str = "") -> bytes:
    return line(p.RESULT, t, **{p.TEST: test, p.STATUS: status, p.MESSAGE: message, p.FAILURE: kind})


COLLECTED = line(p.COLLECTED, 1.0, **{p.TESTS: [A, B]})
CHECK_A = start(A, 2.0) + phase(A, p.SETUP, 2.1) + phase(A, p.CALL, 3.0) + result(A, "pass", 3.5)
CHECK_B = (
    start(B, 4.0)
    + phase(B, p.SETUP, 4.1)
    + phase(B, p.CALL, 4.2)
    + result(B, "fail", 4.5, "got 7, expected 8", "assert")
)
DONE = line(p.DONE, 5.0, **{p.EXIT_STATUS: 1})


def read(data: bytes, now: float = 100.0) -> ChildEvents:
    events = ChildEvents()
    events.feed(data, now)
    return events


def test_a_normal_run():
    events = read(COLLECTED + CHECK_A + CHECK_B + DONE)
    assert events.order == [A, B]
    assert events.results == {
        A: TestResult(A, Status.PASS),
        B: TestResult(B, Status.FAIL, "got 7, expected 8", "assert"),
    }
    assert events.done
    assert events.exitstatus == 1
    assert events.collect_error is None
    assert events.current is None, "no check is running once every one reported its result"
    assert (events.waiting, events.since) == (Waiting.COLLECT, 4.5), "between checks the collect limit applies"


@pytest.mark.parametrize(
    ("tail", "phase_", "waiting", "since"),
    [
        (start(B, 4.0), None, Waiting.CHECK, 4.0),
        (start(B, 4.0) + phase(B, p.SETUP, 4.1), p.SETUP, Waiting.SETUP, 4.1),
        (start(B, 4.0) + phase(B, p.SETUP, 4.1) + phase(B, p.CALL, 4.2), p.CALL, Waiting.CHECK, 4.2),
    ],
)
def test_a_crash_mid_check_leaves_it_current_with_its_phase(tail, phase_, waiting, since):
    events = read(COLLECTED + CHECK_A + tail)
    assert events.current == B, (events.current, events.phase)
    assert events.phase == phase_, (events.current, events.phase)
    assert (events.waiting, events.since) == (waiting, since), "the time limit runs from the check's last event"
    assert list(events.results) == [A]
    assert not events.done


def test_no_event_at_all():
    events = read(b"")
    assert (events.order, events.results, events.current, events.done) == ([], {}, None, False)
    assert (events.waiting, events.since) == (Waiting.COLLECT, None), "the limit runs from the child's start"


def test_a_line_is_read_once_whole_and_a_truncated_last_line_never():
    data = COLLECTED + start(A, 2.0)
    events = ChildEvents()
    for i in range(len(data)):  # one byte at a time, as a poll may find it
        events.feed(data[i : i + 1], 100.0)
    assert events.order == [A, B]
    assert events.current == A
    events.feed(result(A, "pass", 3.0)[:-10], 100.0)  # the child was killed in the middle of writing it
    assert events.current == A, "half a line is no result"
    assert events.results == {}, "half a line is no result"


@pytest.mark.parametrize(
    "garbage",
    [
        b"not json at all\n",
        b"[1, 2]\n",
        b"42\n",
        b"null\n",
        b"\xff\xfe\n",
        b"[" * 100_000 + b"\n",
        b'{"t": 1}\n',
        line(p.START),
        line(p.START, **{p.TEST: 7}),
        line(p.RESULT, **{p.TEST: A}),
        result(A, "great", 3.0),
        result(A, "interrupted", 3.0),
        result(A, "missing", 3.0),
        line(p.RESULT, **{p.TEST: A, p.STATUS: ["pass"]}),
        line(p.COLLECTED, **{p.TESTS: "test_x.py"}),
        line(p.COLLECTED, **{p.TESTS: [1, 2]}),
        line(p.WARNINGS, **{p.ITEMS: "abc"}),
        line(p.CALLBACK_ERROR, **{p.TEST: A}),
    ],
)
def test_garbage_is_skipped_and_the_rest_read(garbage):
    events = read(garbage + COLLECTED + CHECK_A + garbage + CHECK_B + DONE)
    assert events.order == [A, B]
    assert events.done
    assert {k: r.status for k, r in events.results.items()} == {A: Status.PASS, B: Status.FAIL}
    assert events.warnings == []
    assert events.callback_errors == {}


def test_ill_typed_fields_are_read_as_empty():
    events = read(
        start(A, 2.0)
        + line(p.RESULT, "late", **{p.TEST: A, p.STATUS: "fail", p.MESSAGE: 3})
        + line(p.COLLECT_ERROR, **{p.MESSAGE: None}),
        now=9.0,
    )
    assert events.results[A] == TestResult(A, Status.FAIL, "", ""), "a message that is no text is none"
    assert events.since == 9.0, "an event without a usable time counts from when it was read"
    assert events.collect_error == ""


def test_duplicate_and_unknown_events():
    warnings = [f"w{i}" for i in range(8)]
    events = read(
        COLLECTED
        + line(p.COLLECTED, **{p.TESTS: [B]})
        + line("future_event", **{p.TEST: A})
        + start(A, 2.0)
        + result(A, "fail", 2.5)
        + result(A, "pass", 2.6)
        + line(p.WARNINGS, **{p.ITEMS: warnings})
        + line(p.WARNINGS, **{p.ITEMS: ["w0", "w9", 5]})
        + line(p.CALLBACK_ERROR, **{p.TEST: A, p.TEXT: "ZeroDivisionError"}) * 2
        + line(p.COLLECT_ERROR, **{p.MESSAGE: "first"})
        + line(p.COLLECT_ERROR, **{p.MESSAGE: "second"})
    )
    assert events.order == [A, B], "the first collection is the order"
    assert events.results[A].status == Status.PASS, "a later result for the same check replaces the earlier"
    assert events.warnings == ["w0", "w1", "w2", "w3", "w4", "w5", "w9"], "six new ones a build, each once"
    assert events.callback_errors == {A: ["ZeroDivisionError"]}
    assert events.collect_error == "first"


def test_a_forged_event_is_taken_as_it_comes():
    """Learner code runs in the child and can append to its events file (protocol.EVENTS
    is in its environment). The engine reads what it finds: a forged result is replaced
    by the real one that follows it, and stands if the child dies before writing one."""
    forged = result(A, "pass", 2.2, "forged")
    events = read(COLLECTED + start(A, 2.0) + phase(A, p.CALL, 2.1) + forged + result(A, "fail", 2.5, "real"))
    assert events.results[A] == TestResult(A, Status.FAIL, "real")
    events = read(COLLECTED + start(A, 2.0) + phase(A, p.CALL, 2.1) + forged)
    assert events.results[A].message == "forged"
    assert events.current is None


@pytest.mark.parametrize("forged", [1e30, 10**400, float("inf"), float("nan")])
def test_a_time_from_the_future_never_holds_off_the_time_limit(forged):
    """The time limit runs from an event's time: a forged line dated in the future (or
    not a real number: json reads NaN and Infinity) would keep a check that never ends
    from ever timing out, and the grade would hang. Such a time counts as the engine's now."""
    for tail in (start(A, forged), start(A, 2.0) + phase(A, p.CALL, forged), start(A, 2.0) + result(A, "fail", forged)):
        events = read(COLLECTED + tail, now=100.0)
        assert events.since == 100.0, f"{tail!r}: the limit runs from {events.since!r}, expected the engine's now"


def test_a_new_child_starts_afresh_and_the_grade_adds_up():
    events = read(COLLECTED + CHECK_A + start(B, 4.0) + line(p.WARNINGS, **{p.ITEMS: ["w"]}))
    events.new_child()
    assert (events.current, events.phase, events.done, events.waiting, events.since) == (
        None,
        None,
        False,
        Waiting.COLLECT,
        None,
    )
    events.feed(line(p.COLLECTED, **{p.TESTS: [B]}) + result(B, "pass", 5.0), 100.0)
    assert events.order == [A, B]
    assert list(events.results) == [A, B]
    assert events.warnings == ["w"]


def test_the_events_file_is_read_from_where_the_last_read_ended(tmp_path):
    path = tmp_path / "events.jsonl"
    assert read_new(path, 0) == (b"", 0), "no file yet: nothing, and the next read starts at 0 again"
    path.write_bytes(COLLECTED)
    data, offset = read_new(path, 0)
    assert (data, offset) == (COLLECTED, len(COLLECTED))
    with open(path, "ab") as f:
        f.write(CHECK_A)
    assert read_new(path, offset) == (CHECK_A, len(COLLECTED + CHECK_A))
    assert read_new(path, EVENTS_LIMIT) == (b"", EVENTS_LIMIT), "nothing is read past the limit"


def test_a_read_asks_for_what_the_file_holds_not_for_the_limit(tmp_path, monkeypatch):
    """The engine polls the events file twenty times a second while a child runs. PyPy
    allocates a buffer of the size a read() asks for: asking for the 16 MiB limit each time
    cost an engine on PyPy most of a core and up to 2 GB of memory."""
    import grader.events

    asked: list[int] = []
    real_fdopen = os.fdopen

    class Recording:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def seek(self, offset):
            return self.f.seek(offset)

        def read(self, size=-1):
            asked.append(size)
            return self.f.read(size)

    monkeypatch.setattr(grader.events.os, "fdopen", lambda fd, mode: Recording(real_fdopen(fd, mode)))
    path = tmp_path / "events.jsonl"
    path.write_bytes(COLLECTED + CHECK_A)
    assert read_new(path, 0) == (COLLECTED + CHECK_A, len(COLLECTED + CHECK_A))
    assert read_new(path, len(COLLECTED + CHECK_A)) == (b"", len(COLLECTED + CHECK_A)), "nothing new: nothing read"
    assert asked == [len(COLLECTED + CHECK_A)], (
        f"read() was asked for {asked} bytes; the file holds {path.stat().st_size}"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX's; Windows has none to put there")
def test_a_fifo_in_place_of_the_events_file_ends_the_reading(tmp_path):
    path = tmp_path / "events.jsonl"
    os.mkfifo(path)
    assert read_new(path, 0) == (b"", EVENTS_LIMIT), "not opened for reading, never read again"


OLD_VERDICT = (  # a verdict as the engine wrote it before results.py (json.dumps of to_json())
    '{"id": "03_strings/shout", "lesson": "03", "status": "crash", "points": 0, "max_points": 2, "message": "the '
    'test process was killed by a segmentation fault [SIGSEGV] while running test_a.", "tests": [{"name": "test_a",'
    ' "status": "crash", "message": "boom"}, {"name": "test_b", "status": "pass", "message": ""}], "cached": false, '
    '"seconds": 1.25, "output": "out"}'
)


def test_a_verdict_of_the_previous_version_loads_and_is_written_the_same():
    res = ExerciseResult.from_json(json.loads(OLD_VERDICT))
    assert res is not None
    assert res.status is Status.CRASH
    assert res.tests[1].status is Status.PASS
    assert json.dumps(res.to_json()) == OLD_VERDICT, "the cache and the JSON report hold the same bytes"
    assert f"{res.status} {res.tests[0].status!s}" == "crash crash"
    assert {"crash": 1}[res.status] == 1


@pytest.mark.parametrize(
    "change",
    [
        {"status": "great"},
        {"status": None},
        {"tests": [{"name": "a", "status": "bad", "message": ""}]},
        {"tests": [{"name": "a"}]},
        {"tests": ["a"]},
        {"kind": "new field"},
    ],
)
def test_a_verdict_this_engine_would_not_write_is_not_loaded(change):
    assert ExerciseResult.from_json({**json.loads(OLD_VERDICT), **change}) is None


def test_every_verdict_status_is_a_status():
    assert [str(s) for s in VERDICTS] == ["pass", "fail", "error", "crash", "timeout", "missing", "skip"]
