"""Build a wheel or an sdist of a project, with no network access.

    python pep517_build.py wheel|sdist PROJECT_FOLDER [OUTPUT_FOLDER]

This is what pip and `python -m build` do once the build's requirements are
installed: call the build backend that pyproject.toml names, from the project
folder. It prints the name of the file it made in OUTPUT_FOLDER (default: dist).
"""

import os
import sys
from pathlib import Path

from setuptools import build_meta

kind, project = sys.argv[1], sys.argv[2]
output = Path(sys.argv[3] if len(sys.argv) > 3 else "dist").resolve()
os.chdir(project)  # the backend works on the current folder
build = build_meta.build_wheel if kind == "wheel" else build_meta.build_sdist
print(build(str(output)))
