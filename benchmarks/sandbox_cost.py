"""What does the sandbox cost? Times a room grade with and without it. Prints figures; asserts nothing.

    python benchmarks/sandbox_cost.py [--participants 3] [--repeat 3] [SELECTOR ...]

The room is a temporary folder of participants, each a copy of solutions/ (so
every exercise builds and runs its checks). Each figure is `python -m grader.room`
as an instructor runs it (the sandbox's probe included), the median of --repeat runs:

  cold   an empty cache: every exercise of every participant built and checked
  warm   the same room again: every verdict comes from the cache
  edit   one participant edited one exercise: one child (one compile, its checks)

"sandbox" is the kind grader/sandbox.py picks here (bwrap where it works);
"none" is CFFI_COURSE_SANDBOX=none with --allow-unsandboxed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (the median is shown)")
    parser.add_argument(
        "selectors",
        nargs="*",
        default=["01", "02", "03", "05"],
        help="lessons or exercises graded (default: 01 02 03 05)",
    )
    args = parser.parse_args()
    from grader import sandbox

    kind = sandbox.detect().kind
    work = Path(tempfile.mkdtemp(prefix="cffi-course-sandbox-bench-"))
    try:
        room = work / "room"
        for i in range(args.participants):
            shutil.copytree(ROOT / "solutions", room / f"p{i}")
        rows = []
        for label, extra_env, flags in (
            (kind, {}, []),
            ("none", {"CFFI_COURSE_SANDBOX": "none"}, ["--allow-unsandboxed"]),
        ):
            cold, warm, edit = [], [], []
            for i in range(args.repeat):
                cache = work / f"cache-{label}"
                shutil.rmtree(cache, ignore_errors=True)
                env = dict(
                    os.environ,
                    CFFI_COURSE_CACHE=str(cache),
                    NO_COLOR="1",
                    **extra_env,
                    PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
                )
                cmd = [sys.executable, "-m", "grader.room", str(room), *args.selectors, *flags]
                cold.append(timed(cmd, env))
                warm.append(timed(cmd, env))
                target = room / "p0" / "01_setup" / "hello_build.py"
                target.write_text(target.read_text() + f"\n# edit {label} {i}\n")
                edit.append(timed(cmd, env))
            rows.append((label, statistics.median(cold), statistics.median(warm), statistics.median(edit)))
        print(
            f"room: {args.participants} participants x {' '.join(args.selectors)}, "
            f"{os.cpu_count()} cores, {sys.implementation.name} {sys.version.split()[0]}"
        )
        print(f"{'isolation':<10} {'cold s':>8} {'warm s':>8} {'edit s':>8}")
        for label, cold_s, warm_s, edit_s in rows:
            print(f"{label:<10} {cold_s:8.2f} {warm_s:8.2f} {edit_s:8.2f}")
        (label, c1, w1, e1), (_, c0, w0, e0) = rows
        print(
            f"sandbox cost: cold {c1 - c0:+.2f} s ({(c1 / c0 - 1) * 100:+.0f}%), warm {w1 - w0:+.2f} s, "
            f"edit {e1 - e0:+.2f} s"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
