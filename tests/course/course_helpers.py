"""Helpers for the course's own tests: run the grading engine as a learner would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_grader(
    args: list[str], cache: Path, json_out: Path, timeout: float = 600
) -> tuple[dict, subprocess.CompletedProcess]:
    """Run `python -m grader ARGS --json JSON_OUT` and return (report, process)."""
    env = dict(os.environ, CFFI_COURSE_CACHE=str(cache), NO_COLOR="1")
    proc = subprocess.run(
        [sys.executable, "-m", "grader", *args, "--json", str(json_out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, f"grader exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return json.loads(json_out.read_text(encoding="utf-8")), proc


def snapshot(tree: Path) -> dict[str, bytes]:
    """Every file under tree, by relative path, with its bytes."""
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in sorted(tree.rglob("*")) if p.is_file()}
