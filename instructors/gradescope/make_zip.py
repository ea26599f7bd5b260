"""Build autograder.zip for Gradescope: what grading needs and nothing more, with
setup.sh and run_autograder at the top of the zip, where Gradescope looks for them.

    python instructors/gradescope/make_zip.py [OUTPUT.zip]

Upload the zip in the assignment's "Configure Autograder" page. To grade only
some lessons, set SELECTORS in run_autograder (e.g. SELECTORS="01 02 03").

The zip is built from an allowlist, not by leaving folders out: the course as
committed (git archive HEAD) holds working solutions in more places than
solutions/ (tests/variants/*/ok-*, the engine's own test course), and a folder
added later must not slip in by default. What grading needs: the engine
(grader/), the manifest and the nox setup, the starter files (exercises/) and
each lesson's graders (tests/NN_topic/). Standard library only: any Python 3 runs it.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCRIPTS = ("setup.sh", "run_autograder")  # at the top of the zip, where Gradescope runs them
TOP_FILES = ("README.md", "course.toml", "noxfile.py", "pyproject.toml")
TOP_FOLDERS = ("grader/", "exercises/")


GRADERS = re.compile(r"tests/\d\d_[^/]+/")  # tests/NN_topic/: a lesson's graders (not tests/variants, engine, course)


def wanted(name: str) -> bool:
    """Whether a file of the repository (path relative to its root) goes into the zip."""
    return name in TOP_FILES or name.startswith(TOP_FOLDERS) or GRADERS.match(name) is not None


def build(output: Path) -> list[str]:
    """Write the zip and return the names it holds."""
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, capture_output=True, check=True)
    names = []
    with (
        tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for script in SCRIPTS:
            info = zipfile.ZipInfo(script)
            info.external_attr = 0o755 << 16  # executable
            z.writestr(info, (HERE / script).read_bytes())
            names.append(script)
        for member in tar.getmembers():
            if not member.isfile() or not wanted(member.name):
                continue
            info = zipfile.ZipInfo(member.name)
            info.external_attr = (member.mode & 0o777) << 16
            z.writestr(info, tar.extractfile(member).read())
            names.append(member.name)
    return names


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "autograder.zip").resolve()
    held = build(out)
    print(
        f"{out}: {len(held)} files (setup.sh and run_autograder at the top; the engine, the starters and "
        f"the graders; no solution in any folder)"
    )
