#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image
# (Ubuntu). The course itself is already in /autograder/source: the zip that
# make_zip.py builds holds it. Installs a C compiler, Python's headers, nox and
# bubblewrap (the sandbox for learner code), makes nox's grading environment
# once so that each submission grades fast, and runs the doctor.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends build-essential python3 python3-dev python3-venv python3-pip git bubblewrap
python3 -m pip install --break-system-packages nox 2>/dev/null || python3 -m pip install nox
cd /autograder/source
python3 -m nox -s grade --install-only
# Gradescope's Docker blocks user namespaces, so bubblewrap cannot start there; the
# engine then runs each learner process as a separate unprivileged uid (no account
# needed), which must be able to read the course and the grading environment, and
# nothing more: the results folder and everything else stay root's.
chmod -R o+rX /autograder/source
python3 -m nox -s doctor
