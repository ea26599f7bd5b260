"""Grader for 17_shipping/wheels: a cibuildwheel configuration, graded by what it would build.

wheels/pyproject.toml's [tool.cibuildwheel] tables must select exactly the wheels the page
asks for on each of the three systems. cibuildwheel itself says which: `cibuildwheel
--print-build-identifiers --platform P` reads the configuration and prints the identifiers
(cp312-manylinux_x86_64...) without building anything, for any platform from any machine.
The rest is read from the TOML (a platform's table over the common one): each wheel tested
after its repair, and the Windows repair told where greet.dll is. Running the builds is CI's
job, not the grader's.

cibuildwheel is not in the learner's first grading install: where it is missing, every check
is skipped with the command that installs it (it runs on Python 3.11 and later).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

CONFIG = "wheels/pyproject.toml"
if sys.version_info < (3, 11):
    REASON = "cibuildwheel runs on Python 3.11 and later: grade this exercise with a newer Python"
elif importlib.util.find_spec("cibuildwheel") is None:
    REASON = (
        "cibuildwheel is not installed here: grade it with `nox -s grade -- 17`, which installs lesson 17's tools, "
        f"or run `{sys.executable} -m pip install cibuildwheel`, then grade again"
    )
else:
    REASON = None
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")

PYTHONS = ["cp310", "cp311", "cp312", "cp313", "cp314", "cp314t"]
ARCHS = {
    "linux": ["manylinux_x86_64", "manylinux_aarch64"],
    "macos": ["macosx_x86_64", "macosx_arm64"],
    "windows": ["win_amd64"],
}


def _identifiers(exercise, platform: str) -> set[str]:
    # The learner's configuration only: no CIBW_* variable of this machine's.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIBW_")}
    proc = subprocess.run(
        [sys.executable, "-m", "cibuildwheel", "--print-build-identifiers", "--platform", platform],
        cwd=exercise.path("wheels"),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"cibuildwheel --print-build-identifiers --platform {platform}, run in "
            f"{exercise.show('wheels')}, failed (exit status {proc.returncode}):\n"
            + (proc.stderr or proc.stdout).strip()[-1500:]
        )
    return {line.strip() for line in proc.stdout.splitlines() if line.strip()}


@pytest.mark.parametrize("platform", list(ARCHS))
def test_selected_wheels(exercise, platform):
    got = _identifiers(exercise, platform)
    wanted = {f"{py}-{arch}" for py in PYTHONS for arch in ARCHS[platform]}
    problems = []
    if missing := sorted(wanted - got):
        problems.append("missing: " + " ".join(missing))
    if extra := sorted(got - wanted):
        problems.append("not wanted: " + " ".join(extra))
    if problems:
        pytest.fail(
            f"cibuildwheel --print-build-identifiers --platform {platform} selects {len(got)} wheels, "
            f"expected these {len(wanted)}: {' '.join(sorted(wanted))}\n" + "\n".join(problems)
        )


@pytest.fixture(scope="module")
def options(exercise):
    try:
        data = tomllib.loads(exercise.read(CONFIG))
    except tomllib.TOMLDecodeError as exc:
        pytest.fail(f"{exercise.show(CONFIG)} is not valid TOML: {exc}")
    common = data.get("tool", {}).get("cibuildwheel", {})
    return {platform: {**common, **common.get(platform, {})} for platform in ARCHS}


@pytest.mark.parametrize("platform", list(ARCHS))
def test_wheels_tested(options, exercise, platform):
    command = options[platform].get("test-command", "")
    if isinstance(command, list):
        command = " && ".join(command)
    if "import greet" not in command:
        pytest.fail(
            f"{exercise.show(CONFIG)}: on {platform}, test-command is {command!r}; expected a command that "
            'imports greet and calls it (python -c "import greet; ..."): cibuildwheel runs it in a fresh '
            "environment after the repair, where a library missing from the wheel shows"
        )


@pytest.mark.parametrize("platform", list(ARCHS))
def test_library_built_first(options, exercise, platform):
    if "build-libgreet" not in str(options[platform].get("before-all", "")):
        pytest.fail(
            f"{exercise.show(CONFIG)}: on {platform}, before-all is "
            f"{options[platform].get('before-all', '')!r}; expected it to build libgreet (vendor/build-libgreet.sh, "
            "vendor/build-libgreet.ps1 on Windows) once, before any wheel"
        )


def test_windows_repair(options, exercise):
    command = str(options["windows"].get("repair-wheel-command", ""))
    if "delvewheel repair" not in command or "--add-path" not in command:
        pytest.fail(
            f"{exercise.show(CONFIG)}: on Windows, repair-wheel-command is {command!r}; expected "
            "`delvewheel repair --add-path <the folder of greet.dll> -w {dest_dir} {wheel}`: the DLL is in "
            "no folder Windows searches, and a wheel without it fails to import on a user's machine"
        )
    before = options["windows"].get("before-build", "")
    if "delvewheel" not in str(before):
        pytest.fail(
            f"{exercise.show(CONFIG)}: on Windows, before-build is {before!r}; delvewheel must be installed "
            'before the repair runs: before-build = "pip install delvewheel"'
        )
