"""The course manifest (``course.toml``): lessons and exercises in order.

Everything else pairs through it: an exercise ``07_structs/point`` has its
files under ``exercises/07_structs/``, its completed twin under
``solutions/07_structs/``, its grader at ``tests/07_structs/test_point.py`` and
its section on the lesson page ``lessons/<page>`` at ``#<anchor>``.
"""

from __future__ import annotations

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
                if sel in (ex.id, ex.lesson.id, ex.lesson.dir)
                or (sel.isdigit() and ex.lesson.id == sel.zfill(2))
            ]
            if not hits:
                known = ", ".join(lesson.id for lesson in self.lessons)
                raise ManifestError(
                    f"no lesson or exercise matches {sel!r}. Use a lesson number "
                    f"({known}) or an exercise id such as {self.exercises[0].id!r}."
                )
            chosen.update(hits)
        return [ex for ex in self.exercises if ex.id in chosen]


def _require(table: dict, key: str, kind: type, where: str):
    if key not in table:
        raise ManifestError(f"{where}: missing {key!r}")
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        what = {str: "a string", int: "an integer", list: "a list"}.get(kind, kind.__name__)
        raise ManifestError(f"{where}: {key!r} must be {what}")
    return value


def _tables(data: dict, key: str, path: Path) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise ManifestError(f"{path.name}: {key!r} must be an array of tables, each starting with [[{key}]]")
    return value


def _names(table: dict, key: str, where: str, required: bool) -> tuple[str, ...]:
    value = _require(table, key, list, where) if required else table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value) or (required and not value):
        raise ManifestError(f"{where}: {key!r} must be a {'non-empty ' if required else ''}list of file names")
    return tuple(value)


def _max_bytes(table: dict, where: str, default: int) -> int:
    value = table.get("max_file_bytes", default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ManifestError(f"{where}: 'max_file_bytes' must be a positive number of bytes")
    return value


def _hints(table: dict, where: str) -> tuple[Hint, ...]:
    value = table.get("hints", [])
    if not isinstance(value, list):
        raise ManifestError(f"{where}: 'hints' must be a list of strings or tables {{ text = \"...\", when = \"...\" }}")
    hints = []
    for i, item in enumerate(value, 1):
        if isinstance(item, str) and item:
            hints.append(Hint(item))
            continue
        if not isinstance(item, dict):
            raise ManifestError(f"{where}: hint #{i} must be a non-empty string or a table with 'text'")
        unknown = set(item) - {"text", "when", "check"}
        if unknown:
            raise ManifestError(f"{where}: hint #{i} has unknown key(s) {', '.join(sorted(unknown))}: "
                                "a hint table holds 'text' and one of 'when' (text of a message) or 'check' "
                                "(the name of a check)")
        if not all(isinstance(item.get(k, "x"), str) and item.get(k, "x") for k in ("text", "when", "check")) \
                or "text" not in item:
            raise ManifestError(f"{where}: hint #{i}: 'text' is required, and 'text', 'when' and 'check' must be "
                                "non-empty strings")
        if "when" in item and "check" in item:
            raise ManifestError(f"{where}: hint #{i} has both 'when' and 'check': give one (or make two hints)")
        hints.append(Hint(item["text"], when=item.get("when", ""), check=item.get("check", "")))
    return tuple(hints)


def load(path: Path = MANIFEST) -> Course:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"cannot read {path.name}: {exc}") from exc
    meta = data.get("course", {})
    if not isinstance(meta, dict):
        raise ManifestError(f"{path.name}: 'course' must be a table, [course]")
    course = Course(
        title=meta.get("title", "cffi-course"),
        site_url=meta.get("site_url", "http://127.0.0.1:8000/"),
        root=path.resolve().parent,
    )
    max_bytes = _max_bytes(meta, f"{path.name}: [course]", DEFAULT_MAX_BYTES)
    lessons: dict[str, Lesson] = {}
    for i, table in enumerate(_tables(data, "lesson", path)):
        where = f"{path.name}: lesson #{i + 1}"
        lesson = Lesson(
            id=_require(table, "id", str, where),
            dir=_require(table, "dir", str, where),
            page=_require(table, "page", str, where),
            title=_require(table, "title", str, where),
            support=_names(table, "support", where, required=False),
        )
        if not lesson.dir.startswith(lesson.id + "_"):
            raise ManifestError(f"{where}: dir {lesson.dir!r} must start with {lesson.id}_")
        if lesson.id in lessons:
            raise ManifestError(f"{where}: lesson {lesson.id} is declared twice")
        lessons[lesson.id] = lesson
        course.lessons.append(lesson)
    seen = set()
    for i, table in enumerate(_tables(data, "exercise", path)):
        where = f"{path.name}: exercise #{i + 1}"
        ex_id = _require(table, "id", str, where)
        where = f"{path.name}: exercise {ex_id!r}"
        lesson_dir, _, name = ex_id.partition("/")
        lesson = next((les for les in course.lessons if les.dir == lesson_dir), None)
        if lesson is None or not name:
            raise ManifestError(f"{where}: id must be <lesson dir>/<name> of a declared lesson")
        if ex_id in seen:
            raise ManifestError(f"{where}: declared twice")
        seen.add(ex_id)
        points = _require(table, "points", int, where)
        if points <= 0:
            raise ManifestError(f"{where}: points must be positive")
        timeout = table.get("timeout")
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0):
            raise ManifestError(f"{where}: 'timeout' must be a positive number of seconds")
        course.exercises.append(
            Exercise(
                id=ex_id,
                lesson=lesson,
                title=_require(table, "title", str, where),
                files=_names(table, "files", where, required=True),
                points=points,
                anchor=_require(table, "anchor", str, where),
                hints=_hints(table, where),
                timeout=float(timeout) if timeout is not None else None,
                stub_status=table.get("stub_status", "fail"),
                max_file_bytes=_max_bytes(table, where, max_bytes),
            )
        )
    if not course.exercises:
        raise ManifestError(f"{path.name}: no exercises declared")
    return course
