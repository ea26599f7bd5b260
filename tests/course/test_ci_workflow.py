"""The public CI workflow (.github/workflows/ci.yml) cannot run here, so it is linted:
against GitHub's workflow schema (check-jsonschema's vendored copy, no network), and
for what the course promises: every OS × CPython 3.10 and the newest × PyPy, each
running the README's test command, a free-threaded entry allowed to fail, and the
lesson site built strictly and published on GitHub Pages from the default branch."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from helpers import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def test_the_workflow_matches_githubs_schema():
    pytest.importorskip("check_jsonschema", reason="nox -s tests installs check-jsonschema")
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
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
    assert free, "a free-threaded entry, allowed to fail"
    assert all(e["experimental"] for e in free), "a free-threaded entry, allowed to fail"
    assert job["continue-on-error"] == "${{ matrix.experimental }}"
    runs = [s.get("run", "") for s in job["steps"]]
    assert any("nox" in r and "-s tests" in r for r in runs), "each job runs the README's test command"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "nox -s tests" in readme


def test_the_site_is_built_strictly_and_published_from_the_default_branch_only():
    """README sends learners to the site: the workflow builds it on every run (strictly,
    as `nox -s docs` does) and deploys it to GitHub Pages after the tests, from a push to
    the default branch only, with no more permissions than Pages needs."""
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    jobs = flow["jobs"]
    uses = {name: [s.get("uses", "") for s in job["steps"]] for name, job in jobs.items()}
    builders = [
        name for name, steps in uses.items() if any(u.startswith("actions/upload-pages-artifact@") for u in steps)
    ]
    deployers = [name for name, steps in uses.items() if any(u.startswith("actions/deploy-pages@") for u in steps)]
    assert len(builders) == 1, "one job builds the site, one deploys it"
    assert len(deployers) == 1, "one job builds the site, one deploys it"
    build, deploy = jobs[builders[0]], jobs[deployers[0]]
    runs = " ".join(s.get("run", "") for s in build["steps"])
    assert "mkdocs build --strict" in runs, "the published site is built as strictly as `nox -s docs`"
    artifact = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert f"--site-dir {artifact['with']['path']}" in runs, "the artifact is the folder mkdocs built"
    needs = deploy["needs"] if isinstance(deploy["needs"], list) else [deploy["needs"]]
    assert set(needs) >= {builders[0], "tests"}, "published only after the site built and the tests passed"
    assert "github.event_name == 'push'" in deploy["if"], "pull requests and other branches never publish"
    assert "default_branch" in deploy["if"], "pull requests and other branches never publish"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert flow["permissions"] == {"contents": "read"}, "the other jobs stay read-only"
    assert deploy["environment"]["name"] == "github-pages"
