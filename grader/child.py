"""Entry point of a grading child process: ``python -m grader.child GRADER [--deselect ID ...]``.

The engine starts this in a scratch folder with the environment describing
the exercise (see ``plugin.py``). Learner code runs here and only here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .procs import limit_child_resources

INI = Path(__file__).with_name("pytest-grader.ini")


def main(argv: list[str]) -> int:
    limit_child_resources(int(os.environ.get("GRADER_MEMORY", "0") or 0))
    grader, rest = argv[0], argv[1:]
    import pytest

    args = [
        grader,
        "-c", str(INI),  # graders ignore the repository's own pytest settings
        "--rootdir", str(Path(grader).parent),
        "-p", "grader.plugin",
        "-p", "no:cacheprovider",  # no .pytest_cache anywhere
        "-p", "no:terminal",  # the engine reports; pytest stays quiet
        "-p", "no:stepwise",
        "-s",  # learner output goes straight to the engine's capped pipe
        "--import-mode=importlib",
        *rest,
    ]
    return int(pytest.main(args))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
