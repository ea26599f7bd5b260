"""Build autograder.zip for Gradescope: the course as committed (without solutions/),
with setup.sh and run_autograder at the top of the zip, where Gradescope looks for them.

    python instructors/gradescope/make_zip.py [OUTPUT.zip]

Upload the zip in the assignment's "Configure Autograder" page. To grade only
some lessons, set SELECTORS in run_autograder (e.g. SELECTORS="01 02 03").
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LEFT_OUT = ("solutions/", "backups/", "instructors/gradescope/")  # answers stay off the graded image


def build(output: Path) -> list[str]:
    """Write the zip and return the names it holds."""
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, capture_output=True, check=True)
    names = []
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as z:
        for script in ("setup.sh", "run_autograder"):
            info = zipfile.ZipInfo(script)
            info.external_attr = 0o755 << 16  # executable
            z.writestr(info, (HERE / script).read_bytes())
            names.append(script)
        for member in tar.getmembers():
            if not member.isfile() or member.name.startswith(LEFT_OUT):
                continue
            info = zipfile.ZipInfo(member.name)
            info.external_attr = (member.mode & 0o777) << 16
            z.writestr(info, tar.extractfile(member).read())
            names.append(member.name)
    return names


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "autograder.zip").resolve()
    held = build(out)
    print(f"{out}: {len(held)} files (setup.sh and run_autograder at the top; no solutions/)")
