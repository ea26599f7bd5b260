"""pytest plugin loaded into every grading child process.

It does two jobs:

* records progress for the engine, one JSON line per event, flushed at once,
  so that whatever kills the process the engine knows which test was running
  (the events and their fields are named in protocol.py, read by events.py);
* gives graders the ``exercise`` fixture: the learner's files (a scratch copy)
  and ``exercise.build_module(...)`` / ``exercise.import_module(...)`` (graders reach it
  and their other helpers through ``grader.testing``).

(It also keeps pytest's progress letters out of the learner's output.)
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import pytest

from . import protocol as p
from .build import BuildError, Built, is_learners, load_builder
from .build import build as _build
from .cache import child_fault
from .paths import Paths
from .results import Status

MAX_MESSAGE = 2000


class _Events:
    def __init__(self, path: str | None):
        self._file = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115

    def emit(self, kind: str, /, **fields) -> None:  # positional: a field is named "kind" too
        if self._file is None:
            return
        event = {p.KIND: kind, **fields, p.TIME: time.time()}
        self._file.write(json.dumps(event) + "\n")
        self._file.flush()


_events = _Events(None)
_results: dict[str, dict] = {}


def _paths() -> Paths:
    return Paths(Path(os.environ.get(p.SCRATCH_TREE, ".")), os.environ.get(p.DISPLAY_TREE, "exercises"))


def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 20] + "\n... (cut short)"


# pytest's tmp_path, <TMPDIR>/pytest-of-<user>/pytest-<n>/<test>: 80 to 150 characters of
# the engine's run folder in a message (read_first_line('/home/.../pytest-of-ana/pytest-0/
# test_reads0/a.txt')), which nothing in the learner's files refers to. Shown as <tmp>.
# The separators: / (POSIX), \ (Windows) and \\ (a Windows path inside a repr).
_SEP = r"(?:/|\\\\|\\)"
_PYTEST_TMP = re.compile(r"[^\s'\"=(,]*?pytest-of-[^\s'\"/\\]+" + _SEP + r"pytest-\d+" + _SEP + r"[^\s'\"/\\]+")


def _short_tmp(text: str) -> str:
    return _PYTEST_TMP.sub("<tmp>", text)


def _describe(excinfo, paths: Paths) -> tuple[str, str]:
    """(kind, message) for an exception raised in a test."""
    kind, message = _describe_exception(excinfo, paths)
    return kind, _short_tmp(message)


def _describe_exception(excinfo, paths: Paths) -> tuple[str, str]:
    exc = excinfo.value
    fault = child_fault(exc)  # the cache's or the machine's: the engine grades again (runner.grade)
    if fault:
        return "cache", fault
    if isinstance(exc, BuildError):
        return exc.kind, exc.message
    if isinstance(exc, AssertionError):
        text = str(exc)
        # `assert got == 8, "lib.add(5, 3) returned 7, expected 8"`: pytest appends
        # its own explanation ("assert 7 == 8" and a diff) to the grader's message.
        # The message already says it in words; the explanation is kept only when
        # there is no message.
        if not text.startswith("assert ") and "\nassert " in text:
            text = text.split("\nassert ", 1)[0]
        return "assert", paths.show(text) or "an assertion failed"
    if type(exc).__name__ in ("Failed", "Skipped", "XFailed"):
        return "assert", paths.show(str(getattr(exc, "msg", exc)))
    # Any other exception: show where it came from in the learner's files.
    from .build import _learner_traceback

    return "exception", _learner_traceback(exc, paths)


def pytest_configure() -> None:
    global _events
    _events = _Events(os.environ.get(p.EVENTS))


def pytest_collectreport(report) -> None:
    if report.failed:
        _events.emit(p.COLLECT_ERROR, **{p.MESSAGE: _clip(_paths().show(str(report.longrepr)))})


def pytest_collection_finish(session) -> None:
    _events.emit(p.COLLECTED, **{p.TESTS: [item.nodeid for item in session.items]})


def _passed() -> dict:
    """A check's outcome until pytest reports otherwise: the fields of its result event."""
    return {p.STATUS: Status.PASS, p.MESSAGE: "", p.FAILURE: ""}


def pytest_runtest_logstart(nodeid) -> None:
    _results[nodeid] = _passed()
    _events.emit(p.START, **{p.TEST: nodeid})


# Checks skipped by the learner's code, with its traceback. A skip is the machine's (a
# grader's pytest.skip: no zlib, no libpython to embed) and does not count against the
# exercise, so one the learner's code raises (pytest.skip(), unittest.SkipTest) would pass
# it without the check: that is a fail. Told here, from the exception as it was raised:
# by the time of the report pytest has replaced a unittest.SkipTest by a skip of its own.
_learner_skips: dict[str, str] = {}


def _note_learner_skip(nodeid: str, outcome) -> None:
    exc = outcome.excinfo[1] if outcome.excinfo else None
    unittest = sys.modules.get("unittest")
    skips = (pytest.skip.Exception, pytest.xfail.Exception, *([unittest.SkipTest] if unittest else []))
    if isinstance(exc, skips):
        import traceback

        paths = _paths()
        if any(paths.relative(f.filename) is not None for f in traceback.extract_tb(exc.__traceback__)):
            from .build import _learner_traceback

            _learner_skips[nodeid] = _learner_traceback(exc, paths)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    _events.emit(p.PHASE, **{p.TEST: item.nodeid, p.WHEN: p.SETUP})
    outcome = yield
    _note_learner_skip(item.nodeid, outcome)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    _events.emit(p.PHASE, **{p.TEST: item.nodeid, p.WHEN: p.CALL})
    previous = sys.unraisablehook
    sys.unraisablehook = lambda args: _unraisable(args, item.nodeid, previous)
    try:
        outcome = yield
        _note_learner_skip(item.nodeid, outcome)
    finally:
        sys.unraisablehook = previous


def _unraisable(args, nodeid: str, previous) -> None:
    """An exception raised in a Python callback called from C: cffi cannot raise it
    through C, so it prints it (through sys.unraisablehook, CPython and PyPy alike) and
    C gets 0. pytest would turn it into a warning nobody sees: send it to the engine at
    once (runner.py adds it to the check's message even if the check then crashes)."""
    try:
        if "cffi callback" in str(args.err_msg or "") and args.exc_value is not None:
            from .build import _learner_traceback

            text = _short_tmp(_learner_traceback(args.exc_value, _paths()))
            _events.emit(p.CALLBACK_ERROR, **{p.TEST: nodeid, p.TEXT: _clip(text)})
    finally:
        previous(args)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    entry = _results.setdefault(item.nodeid, _passed())
    if report.skipped and entry[p.STATUS] == Status.PASS and item.nodeid in _learner_skips:
        entry.update(
            {
                p.STATUS: Status.FAIL,
                p.FAILURE: "exception",
                p.MESSAGE: _clip(
                    "your code skipped this check:\n"
                    + _learner_skips[item.nodeid]
                    + "\nA check is skipped only when this machine cannot run it; your code must return a result "
                    "(or raise an ordinary exception), not skip."
                ),
            }
        )
    elif report.skipped and entry[p.STATUS] == Status.PASS:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        entry.update({p.STATUS: Status.SKIP, p.MESSAGE: _clip(str(reason).replace("Skipped: ", "", 1))})
    elif report.failed and entry[p.STATUS] in (Status.PASS, Status.SKIP):
        kind, message = _describe(call.excinfo, _paths()) if call.excinfo else ("exception", str(report.longrepr))
        # A failure while preparing a test, or building or importing the learner's
        # code (a BuildError, even from inside the test), means the checks could
        # not run: that is an error, not a fail.
        preparing = call.when != "call" or (call.excinfo is not None and isinstance(call.excinfo.value, BuildError))
        status = Status.ERROR if preparing else Status.FAIL
        entry.update({p.STATUS: status, p.MESSAGE: _clip(message), p.FAILURE: kind})


@pytest.hookimpl(hookwrapper=True)
def pytest_report_teststatus():
    """No progress letters (``.F``) among the learner's output: pytest still
    counts each outcome, the engine reports it."""
    outcome = yield
    result = outcome.get_result()
    if isinstance(result, tuple) and len(result) == 3:
        outcome.force_result((result[0], "", ""))


def pytest_runtest_logfinish(nodeid) -> None:
    entry = _results.get(nodeid, {p.STATUS: Status.ERROR, p.MESSAGE: "no result recorded", p.FAILURE: ""})
    _events.emit(p.RESULT, **{p.TEST: nodeid, **entry})


def pytest_sessionfinish(exitstatus) -> None:
    _events.emit(p.DONE, **{p.EXIT_STATUS: int(exitstatus)})


class ExerciseFiles:
    """What a grader sees of the exercise under test (a scratch copy of the learner's files):
    the ``exercise`` fixture. ``id`` is the exercise's id, ``dir`` the lesson folder's copy.
    Graders import it as ``grader.testing.ExerciseFiles``."""

    def __init__(self) -> None:
        self.id = os.environ.get(p.EXERCISE, "")
        self.paths = _paths()
        lesson_dir = self.id.split("/", 1)[0]
        self.dir = self.paths.scratch / lesson_dir
        self.cache = Path(os.environ.get(p.CACHE, self.paths.scratch.parent / "cache"))
        # Where this child writes what it builds (in its run folder): the cache is
        # read-only to learner code, and the engine publishes the builds into it.
        out = os.environ.get(p.BUILD_OUT)
        self.out = Path(out) if out else None
        self.files_key = os.environ.get(p.FILES_KEY, "")
        self._built: dict[str, Built | BuildError] = {}
        self._warned: set[str] = set()

    def path(self, name: str) -> Path:
        return self.dir / name

    def show(self, name: str) -> str:
        """The file's path as the learner knows it, for messages."""
        return self.paths.show(str(self.path(name)))

    def read(self, name: str) -> str:
        """The text of one of the learner's files."""
        return self.path(name).read_text(encoding="utf-8")

    def traceback(self, exc: BaseException) -> str:
        """``exc`` as the learner needs to see it: the last frames in their own files (paths as
        they know them, with the line of code), then the exception's type and message."""
        from .build import _learner_traceback

        return _learner_traceback(exc, self.paths)

    def build_module(self, builder: str) -> Built:
        """Compile the builder script (cached by content) and import the module it makes.
        Raises BuildError (the grade's "error") if the script, the compiler or the import fails."""
        if builder not in self._built:
            try:
                self._built[builder] = _build(self.path(builder), self.paths, self.cache, self.files_key, self.out)
            except BuildError as exc:
                self._built[builder] = exc
        result = self._built[builder]
        if isinstance(result, BuildError):
            raise BuildError(result.kind, result.message)
        if builder not in self._warned:
            # The engine adds these to a check that later crashes or fails (runner.py).
            self._warned.add(builder)
            own = [w for w in result.warnings if is_learners(w, self.paths)]
            if own:
                _events.emit(p.WARNINGS, **{p.ITEMS: own})
        return result

    def builder_ffi(self, builder: str):
        """Run the builder script again (compiling nothing) and return its FFI object, for checks on
        what it declares: see grader.testing's set_source_args() and cdef_declarations()."""
        return load_builder(self.path(builder), self.paths)

    def shared_library(self, name: str, sources: list[str], exports: list[str]) -> Path:
        """Build the exercise's C files ``sources`` into a plain shared library
        (cached by content), for ABI mode, and return its path. The file is named as the
        platform names libraries (libNAME.so / libNAME.dylib / NAME.dll, the
        ``.name`` to copy it under). See grader/shlib.py."""
        from .shlib import build_shared_library

        return build_shared_library(
            name, [self.path(s) for s in sources], exports, self.cache, include_dirs=[self.dir], out=self.out
        )

    def run_script(self, name: str) -> dict:
        """Run one of the learner's scripts as a module that is not ``__main__``
        and return its globals (e.g. to call a ``build(outdir)`` function it defines).
        Failures become a BuildError with the learner's file and line."""
        import runpy

        path = self.path(name)
        if str(self.dir) not in sys.path:
            sys.path.insert(0, str(self.dir))
        try:
            return runpy.run_path(str(path), run_name="__cffi_course_script__")
        except SyntaxError as exc:
            raise BuildError(
                "syntax",
                f"Python cannot read {self.paths.show(exc.filename or str(path))}, line {exc.lineno}: {exc.msg}",
            ) from None
        except BaseException as exc:  # SystemExit too: learner code must not end the run
            from .build import _learner_traceback

            raise BuildError("import", f"running {name} failed:\n" + _learner_traceback(exc, self.paths)) from None

    def import_module(self, name: str):
        """Import one of the learner's Python modules (e.g. ``calc`` for ``calc.py``)."""
        if str(self.dir) not in sys.path:
            sys.path.insert(0, str(self.dir))
        if name in sys.modules:
            return sys.modules[name]
        import importlib

        try:
            return importlib.import_module(name)
        except BuildError:
            raise
        except SyntaxError as exc:
            raise BuildError(
                "syntax",
                f"Python cannot read {self.paths.show(exc.filename or name)}, line {exc.lineno}: {exc.msg}",
            ) from None
        except BaseException as exc:  # SystemExit too: learner code must not end the run
            from .build import _learner_traceback

            raise BuildError("import", f"importing {name}.py failed:\n" + _learner_traceback(exc, self.paths)) from None


@pytest.fixture(scope="session")
def exercise() -> ExerciseFiles:
    """The exercise being graded (set up by the engine through the environment)."""
    if p.EXERCISE not in os.environ:
        pytest.fail("graders run through the grading engine: nox -s grade -- <exercise id>")
    return ExerciseFiles()
