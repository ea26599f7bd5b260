"""Fixtures for the course's own tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import separate_test_workers

# Tests whose verdict cannot depend on the interpreter: text, lint and manifest checks,
# the site build, the instructors' reports and files. They get the `same_on_pypy` marker
# and `nox -s tests-pypy` leaves them out (`nox -s tests` runs them on CPython). A file
# name covers the whole file, "file::test" one test. The whole-course grades, the lesson
# code and the variants whose verdict can differ (test_variants.py says which) never
# belong here: that is what PyPy must run again.
SAME_ON_PYPY = {
    "test_ci_workflow.py",  # the CI workflow linted against GitHub's schema
    "test_manifest.py",  # course.toml, the trees and the pages agree
    "test_raw_pages.py",  # the pages' copies of files equal the files
    "test_site.py",  # mkdocs build --strict and the pages' headings
    "test_variants.py::test_every_exercise_has_variants",  # folder names only
    "test_variants.py::test_pypy_grades_the_variants_whose_verdict_can_differ",  # file texts
    "test_marker_lists.py",  # these lists against the test files' text
    "test_instructors.py",  # Gradescope's zip and results, the room, the Classroom files: the engine's
    # reports and files; what a PyPy child does is in tests/engine (test_faults, test_sandbox, ...)
}
# Tests that take more than a few seconds each on an idle 2-core machine (with the
# fixture they share): whole-course grades, every variant, every lesson page's code,
# the memcheck page. They get the `slow` marker, so that `-m "not slow"` is a fast loop
# for maintainers (CONTRIBUTING.md, "Run the tests fast"); `nox -s tests` runs them all.
# Same form as SAME_ON_PYPY.
SLOW = {
    "test_course_grades.py",  # solutions/ and exercises/ graded whole, --fresh
    "test_memcheck_lesson.py",  # the page's example built and graded under AddressSanitizer
    "test_lessons.py::test_lesson_code_blocks_run",  # every page's code blocks, run
    "test_variants.py::test_variant_verdict",  # every variant graded
    "test_instructors.py::test_the_gradescope_zip_grades_and_holds_no_working_solution",
    "test_instructors.py::test_gradescope_results_format",
    "test_instructors.py::test_grading_a_room",
}
HERE = Path(__file__).resolve().parent


def pytest_configure(config):
    separate_test_workers()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.parent != HERE:
            continue
        names = {item.path.name, f"{item.path.name}::{item.originalname}"}
        if names & SAME_ON_PYPY:
            item.add_marker(pytest.mark.same_on_pypy)
        if names & SLOW:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def course_cache(tmp_path_factory) -> Path:
    """One cache for the session's grades (outside the repository), unless
    CFFI_COURSE_CACHE names one (nox -s tests sets it)."""
    given = os.environ.get("CFFI_COURSE_CACHE")
    return Path(given) if given else tmp_path_factory.mktemp("cache")
