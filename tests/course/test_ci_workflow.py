"""The public CI workflow (.github/workflows/ci.yml) cannot run here, so it is linted:
against GitHub's workflow schema (check-jsonschema's vendored copy, no network), and
for what the course promises: every OS × CPython 3.10 and the newest × PyPy, each
running the README's test command, and a free-threaded entry allowed to fail."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from course_helpers import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def test_the_workflow_matches_githubs_schema():
    pytest.importorskip("check_jsonschema", reason="nox -s tests installs check-jsonschema")
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(WORKFLOW)], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_matrix_covers_every_os_and_python_the_course_supports():
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    job = flow["jobs"]["tests"]
    matrix = job["strategy"]["matrix"]
    assert set(matrix["os"]) == {"ubuntu-latest", "macos-latest", "windows-latest"}
    pythons = matrix["python"]
    assert "3.10" in pythons, "the oldest supported CPython"
    cpythons = [p for p in pythons if p[0].isdigit()]
    assert max(tuple(int(x) for x in v.split(".")) for v in cpythons) >= (3, 14), "the newest CPython"
    assert any(p.startswith("pypy") for p in pythons), "PyPy"
    assert job["strategy"]["fail-fast"] is False
    free = [e for e in matrix.get("include", []) if str(e.get("python", "")).endswith("t")]
    assert free and all(e["experimental"] for e in free), "a free-threaded entry, allowed to fail"
    assert job["continue-on-error"] == "${{ matrix.experimental }}"
    runs = [s.get("run", "") for s in job["steps"]]
    assert any("nox" in r and "-s tests" in r for r in runs), "each job runs the README's test command"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "nox -s tests" in readme
