"""Exercise 17_shipping/bundle: the repair step, run on the wheel once it is built.

A wheel built by `pip wheel .` holds greet/_greet.*.so, which needs libgreet.so.1, and
not libgreet.so.1 itself: it imports only where that library is installed. repair()
makes the wheel that carries it. Grade it:

    nox -s grade -- 17_shipping/bundle
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def repair(wheel: Path, library_dir: Path, dest: Path) -> Path:
    """Repair ``wheel`` into the folder ``dest`` and return the path of the repaired wheel.

    ``library_dir`` is the folder that holds libgreet.so.1 on this machine (the wheel's
    module was linked against it); ``dest`` exists and is empty.
    """
    env = dict(os.environ)
    # auditwheel looks for each library the module needs where the loader would: the
    # system's folders, and LD_LIBRARY_PATH, which names libgreet's.
    env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [str(library_dir), env.get("LD_LIBRARY_PATH")]))
    subprocess.run(
        [sys.executable, "-m", "auditwheel", "repair", "--exclude", "libgreet.so.1", "--wheel-dir", str(dest), str(wheel)],
        env=env,
        check=True,
    )
    # auditwheel names the wheel for the platform it found (manylinux_2_17_x86_64, ...):
    # the one wheel it wrote in dest is the answer.
    (repaired,) = Path(dest).glob("*.whl")
    return repaired
