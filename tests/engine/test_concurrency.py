"""Two grades at once, over the same tree and the same (empty) cache: both right,
the cache whole afterwards."""

from __future__ import annotations

import subprocess

from helpers import HAS_PROC, by_id, grader_command, grader_env, processes_mentioning, read_report

SUBSET = ["01_setup/hello", "02_crash/quitter"]  # one build, one early exit


def test_two_grades_at_once(fault_course, tmp_path):
    cache = tmp_path / "shared-cache"
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    procs = [
        subprocess.Popen(
            grader_command(fault_course, *SUBSET, "--json", str(out), "--timeout", "10", "--jobs", "2"),
            cwd=fault_course,
            env=grader_env(cache),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for out in outs
    ]
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"stdout:\n{stdout}\nstderr:\n{stderr}"
    for out in outs:
        results = by_id(read_report(out))
        assert results["01_setup/hello"]["status"] == "pass", results["01_setup/hello"]
        assert results["02_crash/quitter"]["status"] == "error"
        assert [t["status"] for t in results["02_crash/quitter"]["tests"]] == ["error", "pass"]
    builds = [p for p in (cache / "builds").iterdir() if not p.name.startswith(".")]
    assert len(builds) == 1, f"one entry per builder, whoever won the race: {builds}"
    for entry in builds:
        assert (entry / "meta.json").is_file()
    assert not [p for p in (cache / "builds").iterdir() if p.name.startswith(".")], "no temp folder left"
    assert not list((cache / "runs").iterdir())
    if HAS_PROC:
        assert processes_mentioning(str(cache)) == []
