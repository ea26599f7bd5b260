"""Entry point of a grading child process: ``python -m grader.child GRADER [--deselect ID ...]``.

The engine starts this in a scratch folder with the environment describing
the exercise (see ``protocol.py``). Learner code runs here and only here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from . import protocol
from .procs import limit_child_resources

INI = Path(__file__).with_name("pytest-grader.ini")
# Plugins no grader uses, not imported at all: about a fifth of a child's start on
# CPython and PyPy alike (benchmarks/RESULTS.md), paid once per graded exercise.
UNUSED_PLUGINS = ("doctest", "junitxml", "pastebin", "legacypath", "setuponly", "setupplan", "debugging", "nose")


def _exit_with_parent() -> None:
    """End this child if the engine dies (say, killed with SIGKILL), so that no
    orphan keeps running. C called through cffi releases the GIL, so this thread
    runs even while learner code loops. POSIX: an orphan is re-parented, which
    changes getppid(). Windows keeps the number, so there the engine's taskkill
    is the only cleanup."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(70)

    if os.name == "posix":
        threading.Thread(target=watch, daemon=True, name="grader-watchdog").start()


def main(argv: list[str]) -> int:
    limit_child_resources(int(os.environ.get(protocol.MEMORY, "0") or 0))
    _exit_with_parent()
    grader, rest = argv[0], argv[1:]
    import pytest

    args = [
        grader,
        "-c",
        str(INI),  # graders ignore the repository's own pytest settings
        "--rootdir",
        str(Path(grader).parent),
        "-p",
        "grader.plugin",
        "-p",
        "no:cacheprovider",  # no .pytest_cache anywhere
        # The engine reports; pytest stays quiet. Not "-p no:terminal": pytest
        # explains a failed `assert a == b` through the terminal plugin, and
        # without it the learner would get a bare AssertionError.
        "-qq",
        "--tb=no",
        "--no-summary",
        "-p",
        "no:stepwise",
        *(arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")),
        "-s",  # learner output goes straight to the engine's capped pipe
        "--import-mode=importlib",
        *rest,
    ]
    return int(pytest.main(args))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
