"""How many cores a command keeps busy: run it and sample its process tree.

    python benchmarks/cpu_demand.py -- python -m pytest tests/engine/test_tools.py -q

Every 0.1 s it counts the processes of the command's tree that are runnable (state R in
/proc: running, or waiting for a core); at the end it prints the command's wall time, its
CPU time (children included) and the share of samples with 0, 1, 2 and 3+ of them. The
count does not depend on other work on the machine (a process waiting for a core is still
runnable), so a loaded machine shows what a test file would ask of an idle one: a file
mostly at 1 leaves a core idle on a 2-core machine, which another session could use.
Asserts nothing.

Linux only (it reads /proc); elsewhere it says so and exits with status 2.
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import time
from pathlib import Path

PROC = Path("/proc")


def _runnable(root: int) -> int:
    """Processes in root's tree now runnable (root included)."""
    children = collections.defaultdict(list)
    state = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        fields = stat[stat.rfind(")") + 2 :].split()  # after "pid (name) ": state, ppid, ...
        state[int(entry.name)] = fields[0]
        children[int(fields[1])].append(int(entry.name))
    count, todo = 0, [root]
    while todo:
        pid = todo.pop()
        count += state.get(pid) == "R"
        todo += children.get(pid, [])
    return count


def main(argv: list[str]) -> int:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__.strip())
        return 2
    if not (PROC / "self" / "stat").is_file():
        print("cpu_demand.py reads /proc to see the command's processes: Linux only.")
        return 2
    samples: collections.Counter[int] = collections.Counter()
    began = time.monotonic()
    proc = subprocess.Popen(argv)
    while proc.poll() is None:
        samples[min(_runnable(proc.pid), 3)] += 1
        time.sleep(0.1)
    wall = time.monotonic() - began
    usage = os.times()  # children's CPU: the command and everything it waited for
    total = sum(samples.values()) or 1
    shares = ", ".join(f"{k}{'+' if k == 3 else ''}: {100 * samples[k] / total:.0f}%" for k in range(4))
    mean = sum(k * n for k, n in samples.items()) / total
    load = (PROC / "loadavg").read_text().split()[0]
    print(
        f"wall {wall:.1f} s, CPU {usage.children_user + usage.children_system:.1f} s "
        f"(user {usage.children_user:.1f}, sys {usage.children_system:.1f}); runnable processes in "
        f"{total} samples: {shares}, mean {mean:.2f}; load average at the end {load}",
        file=sys.stderr,
    )
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
