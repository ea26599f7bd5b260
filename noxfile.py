#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Sessions for learners (grade, docs), instructors (grade --tree) and maintainers (tests).

    nox -s grade                 grade your exercises (nox -s grade -- --help for options)
    nox -s memcheck -- 10        grade a lesson or exercise with AddressSanitizer (Linux)
    nox -s doctor                check this machine: Python, cffi, a C compiler, Python's headers
    nox -s watch -- 07           grade again on every save
    nox -s hint -- ID            the next hint for an exercise (the grade shows the first)
    nox -s reset -- ID           restore an exercise's starter files (yours are backed up first)
    nox -s catchup -- 07         fill in the solutions of lessons 01-06 (yours are backed up first)
    nox -s room -- FOLDER        grade every participant's folder, one table (instructors)
    nox -s new -- NN_topic/name  scaffold a new exercise that grades at once (CONTRIBUTING.md)
    nox -s browser               the lesson site in headless Chromium
    nox -s tests-pypy            the course's tests on PyPy
    nox -s soak                  every variant graded 5 rounds under load: any verdict that flips
    nox -s tests                 everything CI checks (and nox -s browser: the site in Chromium)
    nox -l                       list all sessions

Without nox installed: `uv run noxfile.py -s grade` or `pipx run noxfile.py -s grade` (the
block above names nox as this script's dependency; any nox command works the same way).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["grade"]

ROOT = Path(__file__).resolve().parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")


def install_groups(session: nox.Session, *groups: str) -> None:
    """Install dependency groups from pyproject.toml, unless this reused venv
    already has exactly them: a warm `nox -s grade` must not wait for pip. The stamp is
    per set of groups, so that installing one more later (lesson 17's) keeps the first."""
    requirements = sorted({req for group in groups for req in nox.project.dependency_groups(PYPROJECT, group)})
    venv = getattr(session.virtualenv, "location", None)
    stamp = Path(venv, f".cffi-course-deps-{'+'.join(groups)}") if venv else None
    wanted = hashlib.sha256("\n".join(requirements).encode()).hexdigest()
    if stamp is not None and stamp.is_file() and stamp.read_text() == wanted:
        return
    session.install(*requirements)
    if stamp is not None:
        stamp.write_text(wanted)


@nox.session(reuse_venv=True)
def grade(session: nox.Session) -> None:
    """Grade the exercises: nox -s grade -- [SELECTOR ...] [--tree DIR] [--json FILE] [--strict]."""
    install_groups(session, "grade")
    if any(_selects_lesson(arg, "17") for arg in session.posargs):
        # Lesson 17's tools (mypy, cibuildwheel, auditwheel), only for those who grade it: the first
        # install stays small. Without them its exercises are `skip`, saying this command.
        install_groups(session, "shipping")
    # On Ctrl-C nox passes the interrupt on and, by default, kills the command
    # 0.3 s later; the engine needs a moment to end its test processes and
    # print what it graded, so it gets longer.
    session.run("python", "-m", "grader", *session.posargs, interrupt_timeout=10.0)


def _selects_lesson(arg: str, lesson: str) -> bool:
    """Whether a selector names the lesson or one of its exercises: 17, 17_shipping, 17_shipping/stubs."""
    return arg == lesson or arg.startswith(f"{lesson}_")


@nox.session(reuse_venv=True)
def memcheck(session: nox.Session) -> None:
    """Grade with the C built under AddressSanitizer (Linux): nox -s memcheck -- 10_memory/owner."""
    install_groups(session, "grade")
    session.run("python", "-m", "grader", "--memcheck", *session.posargs, interrupt_timeout=10.0)


@nox.session(reuse_venv=True)
def doctor(session: nox.Session) -> None:
    """Check that this machine can build and grade CFFI modules, and say what to install if not."""
    install_groups(session, "grade")
    session.run("python", "-m", "grader.doctor", *session.posargs)


@nox.session(reuse_venv=True)
def watch(session: nox.Session) -> None:
    """Grade again on every save: nox -s watch -- [SELECTOR] (Enter grades again, q quits)."""
    install_groups(session, "grade", "watch")
    session.run("python", "-m", "grader.watch", *session.posargs, interrupt_timeout=10.0)


@nox.session(reuse_venv=True)
def reset(session: nox.Session) -> None:
    """Restore an exercise's starter files, backing up yours first: nox -s reset -- 07_structs/geometry."""
    install_groups(session, "grade")
    session.run("python", "-m", "grader.tools", "reset", *session.posargs)


@nox.session(reuse_venv=True)
def hint(session: nox.Session) -> None:
    """The next hint for an exercise, one more each time: nox -s hint -- 07_structs/geometry."""
    install_groups(session, "grade")
    session.run("python", "-m", "grader.hints", *session.posargs)


@nox.session(reuse_venv=True)
def catchup(session: nox.Session) -> None:
    """Fill in the solutions of the lessons before NN, backing up yours first: nox -s catchup -- 07."""
    install_groups(session, "grade")
    session.run("python", "-m", "grader.tools", "catchup", *session.posargs)


@nox.session(reuse_venv=True)
def room(session: nox.Session) -> None:
    """Grade every participant's folder, one table: nox -s room -- FOLDER [SELECTOR ...] [--json F] [--csv F]."""
    install_groups(session, "grade")
    session.run("python", "-m", "grader.room", *session.posargs, interrupt_timeout=10.0)


@nox.session(reuse_venv=True)
def new(session: nox.Session) -> None:
    """Scaffold an exercise in an existing lesson: nox -s new -- NN_topic/name [--title TEXT]."""
    install_groups(session, "grade")
    session.run("python", "-m", "grader.scaffold", *session.posargs)


@nox.session(reuse_venv=True)
def tests(session: nox.Session) -> None:
    """Everything CI checks: lint, the engine's tests, solutions vs stubs, lesson code, the site."""
    install_groups(session, "test")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")  # `ruff format` fixes what it finds
    session.run("mypy")  # the engine's annotations (pyproject.toml: [tool.mypy])
    _pytest(session)


@nox.session(python="pypy3", name="tests-pypy", reuse_venv=True)
def tests_pypy(session: nox.Session) -> None:
    """The tests whose verdict can differ on PyPy, which bundles its own cffi (Debian: apt install pypy3 pypy3-dev).

    Every grader, every solution and stub, every lesson's code, the engine's process
    handling, and the variants whose verdict can depend on the interpreter, built and run by
    PyPy. Left out, since they cannot differ: lint, and the tests marked `same_on_pypy` (text
    and manifest checks, the site build, the reports, the engine's own decisions, the variants
    that only compare what C returns; the rules are in tests/engine/conftest.py,
    tests/course/conftest.py and tests/course/test_variants.py).
    `nox -s tests-pypy -- -m ""` runs them all."""
    install_groups(session, "grade", "docs", "watch", "parallel")  # docs: pyyaml, which test_instructors reads with
    _pytest(session, "-m", "not same_on_pypy")


@nox.session(reuse_venv=True)
def soak(session: nox.Session) -> None:
    """Grade every variant 5 rounds under load, on CPython and PyPy, and report any verdict that flips.

    nox -s soak -- --rounds 3 -k "09_ or 10_" (fewer rounds, some lessons). PyPy is soaked when
    `nox -s tests-pypy --install-only` has made its venv. Slow (minutes per round): not in nox -s tests."""
    install_groups(session, "grade")
    session.run("python", "benchmarks/variant_soak.py", *session.posargs)


def _pytest(session: nox.Session, *args: str) -> None:
    env = {}
    cache = None
    if "CFFI_COURSE_CACHE" not in os.environ:
        # A cache of the run's own, outside the repository (the engine refuses one
        # inside it): the course's tests never touch a learner's cache.
        cache = tempfile.mkdtemp(prefix="cffi-course-tests-")
        env["CFFI_COURSE_CACHE"] = cache
    try:
        # --durations: the slowest tests in every CI log, for keeping .ci/run under its time
        # (benchmarks/RESULTS.md). A -m in posargs wins over one in args, and so does -n:
        # `-n 0` runs in this process, one test at a time.
        # -n auto --dist loadfile (pytest-xdist): one worker per core, each taking whole files,
        # so a module's fixtures (the variants' grades, a page's blocks) are made once. Most
        # engine tests run one process at a time and left a core idle: on 2 cores a session
        # takes two thirds to three quarters of the time for the same CPU (benchmarks/RESULTS.md).
        parallel = ["-n", "auto", "--dist", "loadfile"]
        session.run("python", "-m", "pytest", "--durations=15", *parallel, *args, *session.posargs, env=env)
    finally:
        if cache:
            shutil.rmtree(cache, ignore_errors=True)


@nox.session(reuse_venv=True)
def browser(session: nox.Session) -> None:
    """The site in headless Chromium: every page, navigation, search, copy button, a collapsible block.

    Skips with what to install when no Chromium is found (Debian: apt install chromium; or
    CHROMIUM=/path/to/chrome). Screenshots go to build/browser/."""
    install_groups(session, "docs", "browser")
    site = session.create_tmp() + "/site"
    session.run("mkdocs", "build", "--strict", "--quiet", "--site-dir", site)
    session.run("python", "-m", "pytest", "tests/browser", "-rs", *session.posargs, env={"SITE_DIR": site})


@nox.session(reuse_venv=True)
def lint(session: nox.Session) -> None:
    """Lint and format-check the Python code with ruff, and type-check the engine with mypy."""
    install_groups(session, "lint")
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(reuse_venv=True)
def docs(session: nox.Session) -> None:
    """Build the lesson site strictly (nox -s docs -- serve to preview it)."""
    install_groups(session, "docs")
    if session.posargs and session.posargs[0] == "serve":
        session.run("mkdocs", "serve", *session.posargs[1:])
    else:
        session.run("mkdocs", "build", "--strict", "--site-dir", session.create_tmp() + "/site", *session.posargs)


@nox.session(reuse_venv=True)
def bench(session: nox.Session) -> None:
    """Measure grading speed on this machine (prints its figures; asserts nothing)."""
    install_groups(session, "grade")  # for the floor F: cffi and setuptools
    session.install("nox")  # the benchmark times `nox -s grade` as the learner types it
    session.run("python", "benchmarks/grade_speed.py", *session.posargs)


if __name__ == "__main__":
    # `uv run noxfile.py ...`, `pipx run noxfile.py ...` or `python noxfile.py ...`:
    # the same as `nox ...` with this noxfile.
    nox.main()
