"""The lesson site builds with `mkdocs build --strict` (broken links, anchors
and snippet includes fail the build)."""

from __future__ import annotations

import subprocess
import sys

from course_helpers import ROOT


def test_site_builds_strictly(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    assert (tmp_path / "site" / "index.html").is_file()
    assert not (ROOT / "site").exists(), "the build must not write site/ into the repository"
