"""Lesson 10's promise about memcheck, proved on the real exercise: where AddressSanitizer runs,
`memcheck` passes the solution of 10_memory/upper, and stops the subtly wrong variants at the line
the lesson page and the README show. Skipped, with the reason, where memcheck cannot run."""

from __future__ import annotations

import re
import shutil

import pytest
from helpers import ROOT, grade_course

from grader import sanitizer

try:
    sanitizer.prepare()
    REASON = None
except sanitizer.Unsupported as exc:
    REASON = str(exc)

pytestmark = pytest.mark.skipif(REASON is not None, reason=f"memcheck cannot run here: {REASON}")

LESSON = "10_memory"
VARIANTS = ROOT / "tests" / "variants" / LESSON / "upper"


def _tree(tmp_path, variant: str | None):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "solutions" / LESSON, tree / LESSON)
    if variant:
        for f in (VARIANTS / variant).iterdir():
            shutil.copy2(f, tree / LESSON / f.name)
    return tree


def _memcheck(tmp_path, course_cache, variant):
    tree = _tree(tmp_path, variant)
    report, proc = grade_course(
        ["--tree", str(tree), "--memcheck", f"{LESSON}/upper"], course_cache, tmp_path / "report.json"
    )
    result = report["exercises"][0]
    return result, result["message"] or proc.stdout


def _page_line(pattern: str) -> str:
    text = (ROOT / "lessons" / "10-memory.md").read_text(encoding="utf-8")
    found = re.search(pattern, text)
    assert found, f"lessons/10-memory.md no longer shows a line matching {pattern!r}"
    return found.group(0)


def test_the_solution_passes_under_memcheck(tmp_path, course_cache):
    result, out = _memcheck(tmp_path, course_cache, None)
    assert result["status"] == "pass", out


def test_an_overflow_is_named_at_the_line_the_page_shows(tmp_path, course_cache):
    result, out = _memcheck(tmp_path, course_cache, "bad-no-room-for-nul")
    assert result["status"] == "crash", out
    flat = out
    for pattern in (
        r"Where: dup_upper\(\) at exercises/10_memory/upper_build\.py line \d+",
        r"The block was allocated at: dup_upper\(\) at exercises/10_memory/upper_build\.py line \d+",
    ):
        shown = _page_line(pattern).split(" at exercises/")[1]
        assert f"/{shown}" in flat, f"the page shows {shown!r}; memcheck said:\n{out}"
    assert "heap buffer overflow" in flat, out
    assert "just past the end of a 5-byte block" in flat, out


def test_a_read_after_release_names_the_free(tmp_path, course_cache):
    result, out = _memcheck(tmp_path, course_cache, "bad-release-before-copy")
    assert result["status"] == "crash", out
    flat = out
    shown = _page_line(r"The block was freed at: release\(\) at exercises/10_memory/upper_build\.py line \d+")
    assert "/" + shown.split(" at exercises/")[1] in flat, f"the page shows {shown!r}; memcheck said:\n{out}"
    assert "use after free" in flat, out
    assert "Python reached this memory through CFFI" in flat, out
