"""Ctrl-C: the engine stops promptly, kills every child, prints what was graded
so far, exits 130, and leaves a cache the next grade can use."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from helpers import (
    HAS_PROC,
    by_id,
    check_started,
    default_sigint,
    grader_command,
    grader_env,
    processes_mentioning,
    read_report,
)

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not HAS_PROC, reason="sends SIGINT and watches processes through /proc (POSIX only)"
)


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_ctrl_c(fault_course, tmp_path):
    cache = tmp_path / "cache"
    out = tmp_path / "interrupted.json"
    # One exercise at a time: greet is graded first, then cloop loops in C for
    # up to a minute.
    proc = subprocess.Popen(
        grader_command(
            fault_course, "01_setup/greet", "03_hang/cloop", "--jobs", "1", "--timeout", "60", "--json", str(out)
        ),
        cwd=fault_course,
        env=grader_env(cache),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )
    try:
        _wait_for(
            lambda: check_started(cache, "test_cloop.py::test_spin"),
            120,
            "the child grading cloop to start its endless check",
        )
        time.sleep(0.5)  # into the endless loop
        assert proc.poll() is None
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=15)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, f"stdout:\n{stdout}\nstderr:\n{stderr}"
    assert took < 5, f"Ctrl-C took {took:.1f} s to stop the grade"
    assert "Traceback" not in stderr
    assert "Interrupted: 1 of 2 exercises were graded before Ctrl-C." in stdout, stdout
    assert "01_setup/greet" in stdout
    assert "pass" in stdout
    assert processes_mentioning(str(fault_course), str(cache)) == [], "a child survived Ctrl-C"

    report = read_report(out)
    assert report["interrupted"] is True
    results = by_id(report)
    assert results["01_setup/greet"]["status"] == "pass"
    assert results["03_hang/cloop"]["status"] == "not graded"
    assert report["score"] == 1

    # Nothing half-done is kept: no verdict for cloop, no scratch folder.
    verdicts = [json.loads(p.read_text(encoding="utf-8")) for p in (cache / "verdicts").glob("*.json")]
    assert [v["id"] for v in verdicts] == ["01_setup/greet"]
    assert not list((cache / "runs").iterdir())

    # The next grade gives the right result.
    out2 = tmp_path / "next.json"
    again = subprocess.run(
        grader_command(fault_course, "03_hang/cloop", "--timeout", "2", "--json", str(out2)),
        cwd=fault_course,
        env=grader_env(cache),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    cloop = by_id(read_report(out2))["03_hang/cloop"]
    assert cloop["status"] == "timeout"
    assert not cloop["cached"]
    assert [t["status"] for t in cloop["tests"]] == ["pass", "timeout", "timeout"]  # the last: not run
