"""Exercise 17_shipping/bundle: the repair step, run on the wheel once it is built.

A wheel built by `pip wheel .` holds greet/_greet.*.so, which needs libgreet.so.1, and
not libgreet.so.1 itself: it imports only where that library is installed. repair()
makes the wheel that carries it. Grade it:

    nox -s grade -- 17_shipping/bundle
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def repair(wheel: Path, library_dir: Path, dest: Path) -> Path:
    """Repair ``wheel`` into the folder ``dest`` and return the path of the repaired wheel.

    ``library_dir`` is the folder that holds libgreet.so.1 on this machine (the wheel's
    module was linked against it); ``dest`` exists and is empty.
    """
    os.environ["LD_LIBRARY_PATH"] = str(library_dir)
    try:
        run = subprocess.run(
            ["auditwheel", "repair", "-w", str(dest), str(wheel)], capture_output=True, text=True, check=False
        )
    finally:
        del os.environ["LD_LIBRARY_PATH"]
    if run.returncode != 0:
        raise RuntimeError("auditwheel repair failed:\n" + run.stderr)
    newest = max(Path(dest).iterdir(), key=lambda p: p.stat().st_mtime)
    return newest
