"""What every command line of the engine starts and ends with: output any console
can print, SIGTERM stopping like Ctrl-C, the course (``--course``, hidden: another
course.toml, for the engine's tests), an exercise named by id, and how a usage
error or a stop ends (one ``error:`` line; exit 2 or 130).

    def main(argv=None):
        return command.run(lambda: _main(argv))
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import printable_output

if TYPE_CHECKING:
    from . import manifest

# This module imports only the standard library: `nox -s doctor` starts with it on a
# machine that may lack the engine's own libraries (tomli on Python 3.10, rich...).

USAGE_ERROR = 2  # bad input, or nothing to do it with
INTERRUPTED = 130  # Ctrl-C or SIGTERM, as shells report a SIGINT


class UsageError(Exception):
    """The command cannot run as asked; the message says why and what to do."""


def add_course_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", metavar="DIR", help=argparse.SUPPRESS)  # another course (engine tests)


def course_root(args: argparse.Namespace) -> Path:
    from . import manifest

    return Path(args.course).resolve() if args.course else manifest.ROOT


def load_course(args: argparse.Namespace) -> manifest.Course:
    from . import manifest

    return manifest.load(Path(args.course, "course.toml") if args.course else manifest.MANIFEST)


def find_exercise(course: manifest.Course, exercise_id: str) -> manifest.Exercise:
    """The exercise with this id, or a UsageError naming the ids that look like it."""
    ex = next((e for e in course.exercises if e.id == exercise_id), None)
    if ex is None:
        near = [e.id for e in course.exercises if exercise_id.split("/")[-1] in e.id]
        raise UsageError(
            f"no exercise {exercise_id!r}. Exercise ids look like 07_structs/geometry"
            + (f"; did you mean {', '.join(near[:3])}?" if near else "; `nox -s grade` lists them.")
        )
    return ex


def stop_on_sigterm() -> None:
    """SIGTERM (nox, CI runners, a closed terminal, `kill`) stops like Ctrl-C: the
    children are killed and the command says what it did. Windows has no SIGTERM to
    catch; a handler can only be set from the main thread."""

    def handler(_signum, _frame):  # signal.signal's handler signature
        raise KeyboardInterrupt

    if os.name == "posix" and hasattr(signal, "SIGTERM"):
        try:
            signal.signal(signal.SIGTERM, handler)
        except ValueError:  # not the main thread (a command run from another one)
            pass


def error(message: str, prefix: str = "error:") -> int:
    """Print a usage error as one line on stderr (in red on a terminal, paths whole) and return USAGE_ERROR."""
    from . import report

    err = report.Console(stderr=True, highlight=False)
    err.print(f"[bold red]{report.escape(prefix)}[/] {report.escape(message)}", soft_wrap=True, emoji=False)
    return USAGE_ERROR


def _usage_errors() -> tuple[type[BaseException], ...]:
    """What a command's body may raise to say it cannot run as asked: a UsageError, a
    course.toml that does not load, a cache folder that is not ours. (Only modules
    already imported can have raised theirs.)"""
    found: list[type[BaseException]] = [UsageError]
    for module, name in (("grader.manifest", "ManifestError"), ("grader.cache", "CacheError")):
        if module in sys.modules:
            found.append(getattr(sys.modules[module], name))
    return tuple(found)


def no_jit() -> None:
    """On PyPy, stop the JIT: a command spends its time starting up, reading files and
    waiting for its children, code that runs a few times, where compiling it costs more
    than it saves (a quarter of a warm `grade`'s CPU, benchmarks/RESULTS.md). The
    grading children start without it too (runner.CHILD_FLAGS). CPython has no JIT to stop."""
    if sys.implementation.name == "pypy":
        import pypyjit  # type: ignore[import-not-found]  # PyPy's own module

        pypyjit.set_param("off")


def run(
    body: Callable[[], int],
    *,
    errors: tuple[type[BaseException], ...] = (),
    prefix: str = "error:",
    stopped: Callable[[], str] | None = None,
) -> int:
    """Run a command's ``body`` after the common prelude. A UsageError (or ``errors``)
    ends it with one line and USAGE_ERROR; a stop with ``stopped()``'s line, if any,
    and INTERRUPTED."""
    printable_output()
    stop_on_sigterm()
    no_jit()
    try:
        return body()
    except KeyboardInterrupt:
        line = stopped() if stopped is not None else ""
        if line:
            print(line, file=sys.stderr)
        return INTERRUPTED
    except Exception as exc:
        if not isinstance(exc, (*_usage_errors(), *errors)):
            raise
        return error(str(exc), prefix)
