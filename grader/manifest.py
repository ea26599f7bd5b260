"""The course manifest (``course.toml``): lessons and exercises in order.

Everything else pairs through it: an exercise ``07_structs/point`` has its
files under ``exercises/07_structs/``, its completed twin under
``solutions/07_structs/``, its grader at ``tests/07_structs/test_point.py`` and
its section on the lesson page ``lessons/<page>`` at ``#<anchor>``.

load() checks every key of every table (known, of its type and form) and names the line
of course.toml a mistake is on; that the files and pages exist is tests/course/test_manifest.py's job.
"""

from __future__ import annotations

import difflib
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .files import DEFAULT_MAX_BYTES

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.9/3.10 (PyPy 7.3 included)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "course.toml"


class ManifestError(Exception):
    """The manifest is malformed; the message says where."""


@dataclass(frozen=True)
class Lesson:
    id: str  # "01"
    dir: str  # "01_setup"
    page: str  # "01-setup.md"
    title: str
    support: tuple[str, ...] = ()  # files in the lesson folder that exercises share
    # The part of the course it belongs to ("Going further"): a lesson without `part` is in
    # the previous lesson's part; the lessons before the first `part` form the course's
    # first part, which has no name ("").
    part: str = ""


@dataclass(frozen=True)
class Hint:
    """One hint of an exercise. A plain string in course.toml applies to any grade that does
    not pass; ``{ text = "...", when = "..." }`` only when the grade's message or a failing
    check's message contains ``when``; ``{ text = "...", check = "test_x" }`` only when that
    check (or one of its parametrized cases, test_x[...]) fails. The report shows the first
    hint that applies, so a page that sets problems up one at a time gets one hint at a time."""

    text: str
    when: str = ""
    check: str = ""

    def applies(self, message: str, failing: list[tuple[str, str]]) -> bool:
        """``message``: the grade's own message; ``failing``: (name, message) of each failing check."""
        if self.check:
            return any(name == self.check or name.startswith(self.check + "[") for name, _ in failing)
        if self.when:
            return self.when in message or any(self.when in text for _, text in failing)
        return True


@dataclass(frozen=True)
class Exercise:
    id: str  # "01_setup/hello"
    lesson: Lesson
    title: str
    files: tuple[str, ...]  # relative to the lesson folder
    points: int
    anchor: str
    hints: tuple[Hint, ...] = ()
    timeout: float | None = None  # per-test limit in seconds; None: the engine's default
    # What the untouched starter file gets: "fail" (it builds, the checks fail) unless
    # the exercise is to repair a broken file (then "error").
    stub_status: str = "fail"
    # The most an exercise file may hold, in bytes (files.py refuses a bigger one
    # unread): [course] max_file_bytes, or the exercise's own max_file_bytes.
    max_file_bytes: int = DEFAULT_MAX_BYTES

    @property
    def name(self) -> str:
        return self.id.split("/", 1)[1]

    @property
    def grader(self) -> str:
        """The grader's path relative to the repository root."""
        return f"tests/{self.lesson.dir}/test_{self.name}.py"

    @property
    def lesson_link(self) -> str:
        return f"lessons/{self.lesson.page}#{self.anchor}"

    def hint_for(self, message: str, failing: list[tuple[str, str]]) -> str | None:
        """The text of the first hint that applies to a grade (see Hint), or None."""
        return next((h.text for h in self.hints if h.applies(message, failing)), None)


@dataclass
class Course:
    title: str
    site_url: str
    root: Path = ROOT  # the folder holding course.toml: exercises/, solutions/, tests/ are here
    lessons: list[Lesson] = field(default_factory=list)
    exercises: list[Exercise] = field(default_factory=list)

    def select(self, selectors: list[str]) -> list[Exercise]:
        """Exercises matching any selector (a lesson number or an exercise id),
        in course order. Raises ManifestError naming an unknown selector."""
        if not selectors:
            return list(self.exercises)
        chosen: set[str] = set()
        for sel in selectors:
            sel = sel.strip().strip("/").replace("\\", "/")
            hits = [
                ex.id
                for ex in self.exercises
                if sel in (ex.id, ex.lesson.id, ex.lesson.dir) or (sel.isdigit() and ex.lesson.id == sel.zfill(2))
            ]
            if not hits:
                known = ", ".join(lesson.id for lesson in self.lessons)
                raise ManifestError(
                    f"no lesson or exercise matches {sel!r}. Use a lesson number "
                    f"({known}) or an exercise id such as {self.exercises[0].id!r}."
                )
            chosen.update(hits)
        return [ex for ex in self.exercises if ex.id in chosen]


# What each table may hold: a key not listed here is a typo (``hint``, ``stub-status``,
# ``[[exercises]]``) that would otherwise be ignored without a word.
TOP_KEYS = ("course", "lesson", "exercise")
COURSE_KEYS = ("title", "site_url", "max_file_bytes")
LESSON_KEYS = ("id", "dir", "page", "title", "support", "part")
EXERCISE_KEYS = ("id", "title", "files", "points", "anchor", "hints", "timeout", "stub_status", "max_file_bytes")
STUB_STATUSES = ("fail", "error")

LESSON_ID = re.compile(r"\d\d")
TOPIC = re.compile(r"[A-Za-z0-9_]+")  # after "NN_": a folder name on every platform
PAGE = re.compile(r"[A-Za-z0-9_.-]+\.md")  # a file in lessons/
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # the grader is test_<name>.py, imported by pytest
ANCHOR = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")  # what {#...} and heading slugs produce
PART = re.compile(r"[A-Za-z0-9_.-]+")  # one component of a file path
# A table header on a line of its own: [course], [[lesson]], [[exercise]] (quoted or dotted
# names are not used in course.toml; a line that does not match only costs a line number).
HEADER = re.compile(r"\s*(\[\[?)\s*([A-Za-z0-9_-]+)\s*\]\]?\s*(#.*)?")


class _Lines:
    """Line numbers for messages. tomllib gives values, not positions, so the headers and keys
    are found in the text: the n-th ``[[exercise]]`` header is the n-th exercise table, and a
    key's line is the first ``key =`` between its table's header and the next header."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[int, str]] = []  # (0-based line, table name), in order
        for n, line in enumerate(self.lines):
            m = HEADER.fullmatch(line)
            if m:
                self.headers.append((n, m.group(2)))

    def line(self, table: str, index: int, key: str | None) -> int | None:
        """1-based line of ``key`` in the ``index``-th table named ``table`` ("" for the keys
        before any header), or of that table's header when the key is absent or not found."""
        starts = [n for n, name in self.headers if name == table]
        if table and index >= len(starts):
            return None  # an inline table or an array written as a value: no header to point at
        begin = starts[index] if table else -1
        end = next((n for n, _ in self.headers if n > begin), len(self.lines))
        if key is not None:
            pattern = re.compile(rf"\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")
            for n in range(begin + 1, end):
                if pattern.match(self.lines[n]):
                    return n + 1
            if not table:  # a top-level key may be a table's header: [[exercises]]
                return next((n + 1 for n, name in self.headers if name == key), None)
        return begin + 1 if table else None


class _At:
    """The place a message names: ``course.toml, line 42: exercise '01_setup/hello'``."""

    def __init__(self, path: Path, lines: _Lines, table: str, index: int, label: str) -> None:
        self.path, self.lines, self.table, self.index, self.label = path, lines, table, index, label

    def __call__(self, key: str | None = None) -> str:
        line = self.lines.line(self.table, self.index, key)
        place = f"{self.path.name}, line {line}" if line else self.path.name
        return f"{place}: {self.label}" if self.label else place


def _require(table: dict, key: str, kind: type, at: _At):
    if key not in table:
        raise ManifestError(f"{at()}: missing {key!r}")
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        what = {str: "a string", int: "an integer", list: "a list"}.get(kind, kind.__name__)
        raise ManifestError(f"{at(key)}: {key!r} must be {what}")
    if isinstance(value, str) and not value.strip():
        raise ManifestError(f"{at(key)}: {key!r} must not be empty")
    return value


def _no_unknown_keys(table: dict, allowed: tuple[str, ...], at: _At, what: str) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key.replace("-", "_"), allowed, n=1, cutoff=0.6)
            guess = f" (did you mean {close[0]!r}?)" if close else ""
            raise ManifestError(f"{at(key)}: unknown key {key!r}{guess}: {what} holds {', '.join(allowed)}")


def _tables(data: dict, key: str, path: Path) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise ManifestError(f"{path.name}: {key!r} must be an array of tables, each starting with [[{key}]]")
    return value


def _names(table: dict, key: str, at: _At, required: bool) -> tuple[str, ...]:
    """File paths relative to the lesson folder: / between folders on every platform, nothing
    that climbs out (``..``), starts at a root (``/x``, ``C:x``) or names a folder twice."""
    value = _require(table, key, list, at) if required else table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value) or (required and not value):
        raise ManifestError(f"{at(key)}: {key!r} must be a {'non-empty ' if required else ''}list of file names")
    for name in value:
        if not all(PART.fullmatch(part) and part not in (".", "..") for part in name.split("/")):
            raise ManifestError(
                f"{at(key)}: {key!r} has {name!r}: give a path inside the lesson folder, with / "
                "between folders, made of letters, digits, '_', '-' and '.' (no '..', no leading /)"
            )
    if len(set(value)) != len(value):
        twice = next(v for v in value if value.count(v) > 1)
        raise ManifestError(f"{at(key)}: {key!r} lists {twice!r} twice")
    return tuple(value)


def _max_bytes(table: dict, at: _At, default: int) -> int:
    value = table.get("max_file_bytes", default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ManifestError(f"{at('max_file_bytes')}: 'max_file_bytes' must be a positive number of bytes")
    return value


def _hints(table: dict, at: _At) -> tuple[Hint, ...]:
    value = table.get("hints", [])
    if isinstance(value, str):  # a list of its characters, one hint each, if it were iterated
        raise ManifestError(f"{at('hints')}: 'hints' must be a list, even of one hint: hints = [\"...\"]")
    if not isinstance(value, list):
        raise ManifestError(
            f'{at("hints")}: \'hints\' must be a list of strings or tables {{ text = "...", when = "..." }}'
        )
    hints = []
    for i, item in enumerate(value, 1):
        if isinstance(item, str) and item.strip():
            hints.append(Hint(item))
            continue
        if not isinstance(item, dict):
            raise ManifestError(f"{at('hints')}: hint #{i} must be a non-empty string or a table with 'text'")
        unknown = set(item) - {"text", "when", "check"}
        if unknown:
            raise ManifestError(
                f"{at('hints')}: hint #{i} has unknown key(s) {', '.join(sorted(unknown))}: "
                "a hint table holds 'text' and one of 'when' (text of a message) or 'check' "
                "(the name of a check)"
            )
        if (
            not all(isinstance(item.get(k, "x"), str) and item.get(k, "x").strip() for k in ("text", "when", "check"))
            or "text" not in item
        ):
            raise ManifestError(
                f"{at('hints')}: hint #{i}: 'text' is required, and 'text', 'when' and 'check' "
                "must be non-empty strings"
            )
        if "when" in item and "check" in item:
            raise ManifestError(f"{at('hints')}: hint #{i} has both 'when' and 'check': give one (or make two hints)")
        hints.append(Hint(item["text"], when=item.get("when", ""), check=item.get("check", "")))
    return tuple(hints)


def _timeout(table: dict, at: _At) -> float | None:
    value = table.get("timeout")
    if value is None:
        return None
    # TOML has inf and nan: neither is a number of seconds (nan <= 0 is false, so say it here).
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ManifestError(f"{at('timeout')}: 'timeout' must be a positive number of seconds")
    return float(value)


def _part(table: dict, at: _At, lessons: dict[str, Lesson]) -> str:
    """The lesson's part: its own `part`, or the previous lesson's. A part is one run of
    lessons: a name that comes back after another part is a mistake (the nav and the grade
    summary show each part once)."""
    previous = list(lessons.values())[-1].part if lessons else ""
    if "part" not in table:
        return previous
    part = _require(table, "part", str, at).strip()
    if part != previous and any(les.part == part for les in lessons.values()):
        raise ManifestError(
            f"{at('part')}: part {part!r} is also before this lesson, with another part "
            "between: keep the lessons of a part together, in order"
        )
    return part


def _lesson(table: dict, at: _At, lessons: dict[str, Lesson]) -> Lesson:
    _no_unknown_keys(table, LESSON_KEYS, at, "a [[lesson]]")
    lesson = Lesson(
        id=_require(table, "id", str, at),
        dir=_require(table, "dir", str, at),
        page=_require(table, "page", str, at),
        title=_require(table, "title", str, at),
        support=_names(table, "support", at, required=False),
        part=_part(table, at, lessons),
    )
    if not LESSON_ID.fullmatch(lesson.id):
        raise ManifestError(f"{at('id')}: 'id' {lesson.id!r} must be two digits, such as \"01\"")
    if not lesson.dir.startswith(lesson.id + "_"):
        raise ManifestError(f"{at('dir')}: dir {lesson.dir!r} must start with {lesson.id}_")
    if not TOPIC.fullmatch(lesson.dir[3:]):
        raise ManifestError(
            f"{at('dir')}: dir {lesson.dir!r} must be {lesson.id}_<topic>, the topic made of letters, digits and '_'"
        )
    if not PAGE.fullmatch(lesson.page):
        raise ManifestError(
            f'{at("page")}: page {lesson.page!r} must be the name of a Markdown file in lessons/, such as "01-setup.md"'
        )
    if lesson.id in lessons:
        raise ManifestError(f"{at('id')}: lesson {lesson.id} is declared twice")
    other = next((les for les in lessons.values() if les.page == lesson.page), None)
    if other:
        raise ManifestError(f"{at('page')}: page {lesson.page!r} is lesson {other.id}'s too: each lesson has its own")
    return lesson


def _exercise(table: dict, at: _At, course: Course, max_bytes: int) -> Exercise:
    ex_id = _require(table, "id", str, at)
    at.label = f"exercise {ex_id!r}"
    _no_unknown_keys(table, EXERCISE_KEYS, at, "an [[exercise]]")
    lesson_dir, _, name = ex_id.partition("/")
    lesson = next((les for les in course.lessons if les.dir == lesson_dir), None)
    if lesson is None or not name:
        raise ManifestError(f"{at('id')}: id must be <lesson dir>/<name> of a declared lesson")
    if not NAME.fullmatch(name):
        raise ManifestError(
            f"{at('id')}: the name {name!r} must be letters, digits and '_', not starting with "
            f"a digit: the grader is tests/{lesson_dir}/test_<name>.py"
        )
    if any(ex.id == ex_id for ex in course.exercises):
        raise ManifestError(f"{at('id')}: declared twice")
    points = _require(table, "points", int, at)
    if points <= 0:
        raise ManifestError(f"{at('points')}: points must be positive")
    anchor = _require(table, "anchor", str, at)
    if not ANCHOR.fullmatch(anchor):
        raise ManifestError(
            f"{at('anchor')}: anchor {anchor!r} must be the id of a section of "
            f"lessons/{lesson.page}: letters, digits, '-' and '_', without the '#'"
        )
    other = next((ex for ex in course.exercises if ex.lesson.page == lesson.page and ex.anchor == anchor), None)
    if other:
        raise ManifestError(
            f"{at('anchor')}: anchor {anchor!r} is exercise {other.id!r}'s too: each exercise "
            f"has its own section of lessons/{lesson.page}"
        )
    stub_status = table.get("stub_status", "fail")
    if stub_status not in STUB_STATUSES:
        raise ManifestError(
            f"{at('stub_status')}: 'stub_status' must be \"fail\" (the untouched starter builds "
            'and its checks fail) or "error" (the exercise is to repair a file that does not build)'
        )
    return Exercise(
        id=ex_id,
        lesson=lesson,
        title=_require(table, "title", str, at),
        files=_names(table, "files", at, required=True),
        points=points,
        anchor=anchor,
        hints=_hints(table, at),
        timeout=_timeout(table, at),
        stub_status=stub_status,
        max_file_bytes=_max_bytes(table, at, max_bytes),
    )


def load(path: Path = MANIFEST) -> Course:
    """Read and check course.toml: every key known, of its form; a mistake is a ManifestError
    naming the line (of the key, or of its table's header when the key is missing)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"cannot read {path.name}: {exc}") from exc
    lines = _Lines(text)
    _no_unknown_keys(data, TOP_KEYS, _At(path, lines, "", 0, ""), "course.toml")
    meta = data.get("course", {})
    if not isinstance(meta, dict):
        raise ManifestError(f"{path.name}: 'course' must be a table, [course]")
    at = _At(path, lines, "course", 0, "[course]")
    _no_unknown_keys(meta, COURSE_KEYS, at, "[course]")
    course = Course(
        title=_require(meta, "title", str, at) if "title" in meta else "cffi-course",
        site_url=_require(meta, "site_url", str, at) if "site_url" in meta else "http://127.0.0.1:8000/",
        root=path.resolve().parent,
    )
    if not course.site_url.startswith(("http://", "https://")):
        raise ManifestError(f"{at('site_url')}: 'site_url' must start with http:// or https://")
    max_bytes = _max_bytes(meta, at, DEFAULT_MAX_BYTES)
    lessons: dict[str, Lesson] = {}
    for i, table in enumerate(_tables(data, "lesson", path)):
        lesson = _lesson(table, _At(path, lines, "lesson", i, f"lesson #{i + 1}"), lessons)
        lessons[lesson.id] = lesson
        course.lessons.append(lesson)
    for i, table in enumerate(_tables(data, "exercise", path)):
        course.exercises.append(
            _exercise(table, _At(path, lines, "exercise", i, f"exercise #{i + 1}"), course, max_bytes)
        )
    if not course.exercises:
        raise ManifestError(f"{path.name}: no exercises declared")
    return course
