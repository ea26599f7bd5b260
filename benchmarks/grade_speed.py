"""How fast is grading on this machine? Prints figures; asserts nothing.

    nox -s bench                 (or: python benchmarks/grade_speed.py, with nox on PATH)

Every grade is timed as the learner types it, `nox -s grade -- ...`, so nox's
own start and its install check are included. The graded tree is a temporary
copy of solutions/ (this script never touches exercises/ or solutions/), and
the cache is a fresh temporary folder, so "cold" really is cold.

  F      the floor: a fresh Python process that imports cffi and compiles one
         trivial module (what any CFFI build costs)
  cold   the whole course graded with an empty cache
  warm   the same again, nothing changed
  edit   the same again after editing one exercise (one rebuild + one test run)

Targets (COURSE-DESIGN.md): warm <= 2 F, edit <= 2.5 F, cold well under the
sum of its per-exercise times (exercises are graded in parallel).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FLOOR = """
import cffi, tempfile
ffi = cffi.FFI()
ffi.cdef("int add(int, int);")
ffi.set_source("_floor", "int add(int a, int b) { return a + b; }")
with tempfile.TemporaryDirectory() as d:
    ffi.compile(tmpdir=d)
"""


def timed(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (the median is shown)")
    args = parser.parse_args()
    nox = [sys.executable, "-m", "nox", "--non-interactive", "-s", "grade", "--"]

    work = Path(tempfile.mkdtemp(prefix="cffi-course-bench-"))
    try:
        tree = work / "tree"
        shutil.copytree(ROOT / "solutions", tree)
        env = dict(os.environ, CFFI_COURSE_CACHE=str(work / "cache"), NO_COLOR="1")

        floor = statistics.median(timed([sys.executable, "-c", FLOOR]) for _ in range(args.repeat))
        timed([*nox, "--tree", str(tree), "01_setup/hello"], env)  # make sure the grade venv exists
        shutil.rmtree(work / "cache")

        report = work / "cold.json"
        cold = timed([*nox, "--tree", str(tree), "--json", str(report)], env)
        data = json.loads(report.read_text())
        per_exercise = sum(e.get("seconds", 0) for e in data["exercises"])
        n = len(data["exercises"])
        assert data["score"] == data["max_score"], "the solutions should pass; fix that before measuring"

        warm = statistics.median(timed([*nox, "--tree", str(tree)], env) for _ in range(args.repeat))

        edits = []
        target = sorted((tree / "01_setup").glob("*_build.py"))[0]
        original = target.read_text()
        for i in range(args.repeat):
            target.write_text(original + f"\n# benchmark edit {i}\n")
            edits.append(timed([*nox, "--tree", str(tree)], env))
        edit = statistics.median(edits)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    cores = os.cpu_count()
    rows = [
        ("F: import cffi + compile one module", floor, "", ""),
        (
            f"cold grade, {n} exercises, empty cache",
            cold,
            f"{cold / floor:.1f} F",
            f"sum of per-exercise times {per_exercise:.2f} s ({per_exercise / cold:.1f}x in parallel on {cores} cores)",
        ),
        (
            "warm grade, nothing changed",
            warm,
            f"{warm / floor:.1f} F",
            "target <= 2 F: " + ("met" if warm <= 2 * floor else "MISSED"),
        ),
        (
            f"edit one exercise ({target.name}), grade all",
            edit,
            f"{edit / floor:.1f} F",
            "target <= 2.5 F: " + ("met" if edit <= 2.5 * floor else "MISSED"),
        ),
    ]
    print(f"Python {sys.version.split()[0]} on {sys.platform}, {cores} cores; median of {args.repeat} runs")
    width = max(len(r[0]) for r in rows)
    for name, secs, ratio, note in rows:
        print(f"{name:<{width}}  {secs:6.2f} s  {ratio:>7}  {note}")


if __name__ == "__main__":
    main()
