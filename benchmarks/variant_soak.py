"""Soak the variant tests: grade every variant several rounds, under load, and report any verdict that flips.

A grader whose verdict depends on timing, on the machine's load or on whether freed memory
happens to be reused is a flaky test: it passes a wrong solution one run in ten. This script
runs tests/course/test_variants.py (all of it, or what -k selects) ROUNDS times on each
interpreter it finds (this one and, when its venv exists, PyPy's from `nox -s tests-pypy`),
each round with a cache of its own (a cached verdict would only repeat the first round),
while other processes burn every core and churn memory. It prints each variant whose outcome
was not the same in every round, and exits 1 if there is one (or a test that never passed).

    nox -s soak                                  5 rounds, all variants, CPython and PyPy
    nox -s soak -- --rounds 3 -k "09_ or 10_"    3 rounds of lessons 09 and 10 only
    python benchmarks/variant_soak.py --no-load --python /path/to/pypy3-venv/bin/python

It is not part of `nox -s tests`: a round of every variant takes minutes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VARIANT_TESTS = "tests/course/test_variants.py"

# One busy loop per core, and one process that keeps allocating, touching and dropping
# blocks of every size: the conditions under which a lifetime bug shows one run and hides
# the next. Both are plain Python, so they run wherever the soak does.
BURN = "while True: pass"
CHURN = """
import random
rng = random.Random(1)
held = []
while True:
    held.append(bytearray(rng.choice((16, 48, 200, 4096, 1 << 16, 1 << 20))))
    if len(held) > 400:
        del held[: rng.randint(50, 400)]
"""


def venv_python(venv: Path) -> Path:
    # Windows venvs keep their interpreter in Scripts\, the others in bin/.
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def interpreters(given: list[str]) -> list[tuple[str, str]]:
    """(label, python) pairs: the ones given, else this interpreter and PyPy's tests venv if it exists."""
    if given:
        return [(p, p) for p in given]
    found = [(f"{sys.implementation.name} {sys.version.split()[0]}", sys.executable)]
    pypy = venv_python(ROOT / ".nox" / "tests-pypy")
    if sys.implementation.name != "pypy":
        if pypy.is_file():
            found.append(("pypy (.nox/tests-pypy)", str(pypy)))
        else:
            print(
                f"PyPy: no venv at {pypy.parent.parent.relative_to(ROOT)}; create it with "
                "`nox -s tests-pypy --install-only` to soak PyPy too. Soaking this interpreter only."
            )
    return found


class Load:
    """Processes that keep the machine busy while the rounds run; stopped by the `with` block's end."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.procs: list[subprocess.Popen] = []

    def __enter__(self) -> Load:
        if self.enabled:
            for _ in range(os.cpu_count() or 1):
                self.procs.append(subprocess.Popen([sys.executable, "-c", BURN]))
            self.procs.append(subprocess.Popen([sys.executable, "-c", CHURN]))
        return self

    def __exit__(self, *exc) -> None:
        for proc in self.procs:
            proc.kill()
        for proc in self.procs:
            proc.wait()


def one_round(python: str, select: str | None, workdir: Path) -> tuple[dict[str, str], float, str]:
    """Run the variant tests once with a fresh cache: ({test id: passed|failed|skipped|error}, seconds,
    the first failure's message)."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=workdir))
    junit = workdir / f"round-{time.monotonic_ns()}.xml"
    cmd = [python, "-m", "pytest", VARIANT_TESTS, "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"]
    if select:
        cmd += ["-k", select]
    env = dict(os.environ, CFFI_COURSE_CACHE=str(cache))
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if not junit.is_file():
        sys.exit(
            f"pytest did not run ({python}, exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    outcomes, first = {}, ""
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = case.get("name", "")
        if not name.startswith("test_variant_verdict["):
            continue
        kind = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                kind = {"failure": "failed"}.get(child.tag, child.tag)
                if kind != "skipped" and not first:
                    first = (child.get("message") or child.text or "").strip()
        outcomes[name[len("test_variant_verdict[") : -1]] = kind
    return outcomes, seconds, first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds per interpreter (default 5)")
    parser.add_argument("-k", dest="select", help="pytest -k expression: which variants (default all)")
    parser.add_argument(
        "--python",
        action="append",
        default=[],
        help="interpreter to soak (repeatable; default: this one and PyPy's tests venv)",
    )
    parser.add_argument("--no-load", action="store_true", help="do not load the machine while soaking")
    args = parser.parse_args(argv)

    flips: list[str] = []
    never: list[str] = []
    broken: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cffi-course-soak-") as tmp, Load(not args.no_load) as load:
        if load.procs:
            print(f"Load: {len(load.procs) - 1} busy loop(s) (one per core) and one memory churner.")
        for label, python in interpreters(args.python):
            seen: dict[str, list[str]] = defaultdict(list)
            for n in range(1, args.rounds + 1):
                outcomes, seconds, first = one_round(python, args.select, Path(tmp))
                failed = sum(k in ("failed", "error") for k in outcomes.values())
                print(
                    f"{label}: round {n}/{args.rounds}: {len(outcomes)} variants, {failed} failed, {seconds:.0f} s",
                    flush=True,
                )
                if failed:
                    print(f"    first failure: {first[:300]}", flush=True)
                if outcomes and all(k == "error" for k in outcomes.values()):
                    # The grading of the round failed as a whole (test_variants grades every variant in
                    # one fixture): a broken tree or machine, not a flaky grader. Not counted.
                    broken.append(f"{label}: round {n}: every variant errored ({first[:200]})")
                    continue
                for test, kind in outcomes.items():
                    seen[test].append(kind)
            for test, kinds in sorted(seen.items()):
                if len(set(kinds)) > 1:
                    flips.append(f"{label}: {test}: " + " ".join(kinds))
                elif kinds[0] in ("failed", "error"):
                    never.append(f"{label}: {test}: {kinds[0]} in every round")
            graded = sum(1 for kinds in seen.values() if "skipped" not in kinds)
            counted = max((len(kinds) for kinds in seen.values()), default=0)
            print(
                f"{label}: {graded} variants graded in {counted} counted round(s) "
                f"({len(seen) - graded} skipped on this interpreter)."
            )
    for line in flips:
        print(f"FLIP  {line}")
    for line in never:
        print(f"FAIL  {line}")
    for line in broken:
        print(f"BROKEN  {line}")
    if not flips and not never and not broken:
        print("No flips: every variant got the same, right verdict in every round.")
    return 1 if flips or never or broken else 0


if __name__ == "__main__":
    sys.exit(main())
