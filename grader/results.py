"""What a grade comes to: the status of each check and of each exercise, as the
report, the cache, the room and Gradescope read them.

A status is a ``str`` enum: it compares, hashes and prints as its text, so the
JSON report and the cached verdicts hold the same words as before there was an enum.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field


class Status(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"  # a check's assertion did not hold
    ERROR = "error"  # the checks could not run (a build, an import, the grader itself)
    CRASH = "crash"  # the test process died (a signal, or AddressSanitizer stopped it)
    TIMEOUT = "timeout"
    # A check skipped; an exercise whose every check was skipped because this machine cannot
    # run them (say, no shared libpython to embed): it scores nothing, and the message says why.
    SKIP = "skip"
    MISSING = "missing"  # an exercise's file is not there
    INTERRUPTED = "interrupted"  # Ctrl-C: never kept, never reported as a verdict

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__  # type: ignore[assignment]  # f"{status}" is its text on every Python (3.12 changed Enum's)


# The statuses a kept verdict may have, worst-ranked last among the bad ones as the room
# orders its counts ("2 fail, 1 crash"). A cached entry or a report entry with another is
# not a verdict of this engine.
VERDICTS = (Status.PASS, Status.FAIL, Status.ERROR, Status.CRASH, Status.TIMEOUT, Status.MISSING, Status.SKIP)


def status_of(value: object) -> Status | None:
    """``value`` as a Status, or None if it names none (a forged or foreign entry)."""
    try:
        return Status(value)
    except ValueError:
        return None


@dataclass
class TestResult:
    __test__ = False  # a result, not a pytest test class

    name: str
    status: Status
    message: str = ""
    # What the plugin said went wrong (a BuildError's kind: "compile", "import"...;
    # "cache" for a fault of the cache). The engine acts on it (runner._fault_of);
    # it is not part of the JSON report or of a cached verdict.
    kind: str = ""


@dataclass
class ExerciseResult:
    id: str
    lesson: str
    status: Status
    points: int
    max_points: int
    message: str = ""
    tests: list[TestResult] = field(default_factory=list)
    cached: bool = False
    seconds: float = 0.0
    output: str = ""  # the end of what the learner's code printed, when it crashed
    files_key: str = ""  # digest of the files graded (progress.py records it); not in the JSON report

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("files_key")
        for t in data["tests"]:
            t.pop("kind")
        return data

    @classmethod
    def from_json(cls, data: dict) -> ExerciseResult | None:
        """A verdict from ``to_json``'s dict; None for one this engine would not have
        written (another version's fields, a status it does not know)."""
        data = dict(data)
        try:
            tests = [TestResult(**t) for t in data.pop("tests", [])]
            result = cls(tests=tests, **data)
        except TypeError:
            return None
        statuses = [s for s in (status_of(t.status) for t in tests) if s is not None]
        status = status_of(result.status)
        if status is None or len(statuses) != len(tests):
            return None
        result.status = status
        for t, s in zip(tests, statuses):
            t.status = s
        return result
