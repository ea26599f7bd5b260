"""The lesson site builds with `mkdocs build --strict` (broken links, anchors
and snippet includes fail the build)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import ROOT


def test_site_builds_strictly(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    assert (tmp_path / "site" / "index.html").is_file()
    assert not (ROOT / "site").exists(), "the build must not write site/ into the repository"


def _lesson_pages():
    import grader.manifest as m

    return [lesson.page for lesson in m.load().lessons]


@pytest.mark.parametrize("page", _lesson_pages())
def test_every_lesson_page_states_objectives_time_and_key_points(page):
    text = (ROOT / "lessons" / page).read_text(encoding="utf-8")
    assert '!!! abstract "Objectives"' in text, f"{page}: no Objectives box near the top"
    assert "**Time to allow:**" in text, f"{page}: no **Time to allow:** line"
    assert "\n## Key points\n" in text, f"{page}: no ## Key points section"
    assert "\n## Exercises\n" in text, f"{page}: no ## Exercises section"
    first = text.index('!!! abstract "Objectives"')
    assert first < text.index("\n## "), f"{page}: the objectives come before the first section"


def test_the_home_page_links_every_lesson_in_order():
    import grader.manifest as m

    text = (ROOT / "lessons" / "index.md").read_text(encoding="utf-8")
    positions = []
    for lesson in m.load().lessons:
        link = f"]({lesson.page})"
        assert link in text, f"index.md does not link {lesson.page}"
        positions.append(text.index(link))
    assert positions == sorted(positions), "index.md lists the lessons out of order"
