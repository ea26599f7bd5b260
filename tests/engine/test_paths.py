"""Paths with spaces and non-ASCII letters (a Windows user name, a Desktop folder
called "Mes documents"): the tree and the cache may both have them."""

from __future__ import annotations

import json

from helpers import by_id, copy_course, run_grader


def test_spaces_and_accents_in_the_tree_and_the_cache(tmp_path):
    course = copy_course(tmp_path / "mes cours é" / "faultcourse")
    cache = tmp_path / "cache dossier ü"
    report_path = tmp_path / "rapport à.json"
    proc = run_grader(course, cache, "01", "--json", str(report_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    results = by_id(report)
    assert results["01_setup/hello"]["status"] == "pass", results["01_setup/hello"]
    assert results["01_setup/greet"]["status"] == "pass", results["01_setup/greet"]
    assert any(cache.rglob("meta.json")), "the build was cached under the accented path"
