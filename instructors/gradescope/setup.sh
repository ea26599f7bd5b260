#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image
# (Ubuntu). The course itself is already in /autograder/source: the zip that
# make_zip.py builds holds it. Installs a C compiler, Python's headers and nox,
# then warms nox's grading environment so that each submission grades fast.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends build-essential python3 python3-dev python3-venv python3-pip git
python3 -m pip install --break-system-packages nox 2>/dev/null || python3 -m pip install nox
cd /autograder/source
python3 -m nox -s doctor
