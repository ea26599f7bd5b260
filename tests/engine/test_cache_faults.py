"""The cache never lies and never deletes what is not its own (issue 12, item 4).

Each test makes the fault itself, on a small course of two healthy exercises
(and one whose grader deletes the cache while it prepares, when told to), and
checks the grade: the verdict is the learner's own, a fault (of the cache, or a
missing C compiler) is reported as a fault and never kept, the points come from the manifest, a folder that is not
a cache is refused, a cache that cannot be written still gives a whole grade.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
from helpers import FAULT_COURSE, by_id, grader_command, grader_env, read_report, run_grader

from grader import cache

# (It spares the bytecode only to keep this test fast: without it every start costs seconds.)
WIPE_GRADER = '''"""Deletes the cache while the check prepares, when a marker next to this file says so."""
import os
import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def hello(exercise):
    once, always = Path(__file__).with_name("wipe-once"), Path(__file__).with_name("wipe-always")
    if once.exists() or always.exists():
        if once.exists():
            once.unlink()
        for path in Path(os.environ["GRADER_CACHE"]).iterdir():
            if path.name != "pycache":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    return exercise.build_module("hello_build.py")


def test_add(hello):
    assert hello.lib.add(5, 3) == 8
'''

COURSE_TOML = """[course]
title = "cache faults"

[[lesson]]
id = "01"
dir = "01_setup"
page = "01-setup.md"
title = "Healthy exercises"

[[exercise]]
id = "01_setup/hello"
title = "A healthy builder"
files = ["hello_build.py"]
points = {points}
anchor = "exercise-hello"

[[exercise]]
id = "01_setup/greet"
title = "A healthy Python module"
files = ["greet.py"]
points = 1
anchor = "exercise-greet"

[[exercise]]
id = "01_setup/wipe"
title = "A grader that deletes the cache"
files = ["hello_build.py"]
points = 1
anchor = "exercise-wipe"
"""


def _course(folder: Path, points: int = 5) -> Path:
    lesson = folder / "exercises" / "01_setup"
    lesson.mkdir(parents=True)
    graders = folder / "tests" / "01_setup"
    graders.mkdir(parents=True)
    for name in ("hello_build.py", "greet.py"):
        shutil.copy(FAULT_COURSE / "exercises" / "01_setup" / name, lesson / name)
    for name in ("test_hello.py", "test_greet.py"):
        shutil.copy(FAULT_COURSE / "tests" / "01_setup" / name, graders / name)
    (graders / "test_wipe.py").write_text(WIPE_GRADER, encoding="utf-8")
    (folder / "course.toml").write_text(COURSE_TOML.format(points=points), encoding="utf-8")
    return folder


def _grade(course: Path, cache_dir: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    out = course.parent / "report.json"
    out.unlink(missing_ok=True)
    proc = run_grader(course, cache_dir, *args, "--jobs", "1", "--json", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc, by_id(read_report(out))


def _damage(path: Path) -> None:
    """Keep a .pyc's header (so Python trusts it) and half of its body."""
    data = path.read_bytes()
    path.write_bytes(data[: 16 + (len(data) - 16) // 2])


def _one(pattern: str, root: Path) -> Path:
    found = sorted(root.glob(pattern))
    assert found, f"nothing matches {pattern} under {root}"
    return found[0]


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """A course whose hello is worth 5 points, graded once into its own cache."""
    course = _course(tmp_path_factory.mktemp("warm") / "course")
    cache_dir = tmp_path_factory.mktemp("warm-cache")
    proc, report = _grade(course, cache_dir, "01_setup/hello")
    assert report["01_setup/hello"]["status"] == "pass", proc.stdout
    return course, cache_dir


def test_points_come_from_the_manifest(warm):
    """After `points` changed in course.toml, cached verdicts kept the old ones: "pass 5/2, Score 5/2"."""
    course, cache_dir = warm
    toml = course / "course.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("points = 5", "points = 2"), encoding="utf-8")
    try:
        proc, report = _grade(course, cache_dir, "01_setup/hello")
    finally:
        toml.write_text(toml.read_text(encoding="utf-8").replace("points = 2", "points = 5"), encoding="utf-8")
    hello = report["01_setup/hello"]
    assert (hello["status"], hello["points"], hello["max_points"]) == ("pass", 2, 2), hello
    assert "Score: 2/2" in proc.stdout, proc.stdout


@pytest.mark.parametrize(
    "pyc", ["**/_pytest/main.*.pyc", "**/cffi/api.*.pyc"], ids=["pytest-at-start-up", "cffi-inside-a-check"]
)
def test_damaged_bytecode_in_the_cache_is_not_the_learners_verdict(warm, pyc):
    """A truncated .pyc under the cache's PYTHONPYCACHEPREFIX made every import of
    that module fail (EOFError: marshal data too short) until it was removed, and
    correct solutions scored `error`. (The engine's own plugin is safe: pytest
    rewrites it and checks its own .pyc.)"""
    course, cache_dir = warm
    if "cffi" in pyc:  # a cached build is imported without cffi's Python code: compile
        shutil.rmtree(cache_dir / "builds", ignore_errors=True)
        _grade(course, cache_dir, "01_setup/hello", "--fresh")
        shutil.rmtree(cache_dir / "builds")
    _damage(_one(pyc, cache_dir / "pycache"))
    proc, report = _grade(course, cache_dir, "01_setup/hello", "--fresh")
    assert report["01_setup/hello"]["status"] == "pass", proc.stdout
    _, again = _grade(course, cache_dir, "01_setup/hello")
    assert again["01_setup/hello"]["status"] == "pass", "the pass is kept"
    assert again["01_setup/hello"]["cached"], "the pass is kept"


def test_a_damaged_build_is_built_again(warm):
    course, cache_dir = warm
    module = _one(f"builds/*/_hello_cffi{sysconfig.get_config_var('EXT_SUFFIX')}", cache_dir)
    module.write_bytes(module.read_bytes()[:200])  # a truncated shared library
    proc, report = _grade(course, cache_dir, "01_setup/hello", "--fresh")
    assert report["01_setup/hello"]["status"] == "pass", proc.stdout


def test_a_file_where_the_builds_folder_belongs(warm):
    course, cache_dir = warm
    shutil.rmtree(cache_dir / "builds")
    (cache_dir / "builds").write_text("not a folder", encoding="utf-8")
    proc, report = _grade(course, cache_dir, "01_setup/hello", "--fresh")
    assert report["01_setup/hello"]["status"] == "pass", proc.stdout
    assert (cache_dir / "builds").is_dir()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows does not delete a folder a process works in")
def test_the_cache_deleted_mid_grade(tmp_path):
    """The cache deleted while a check prepared ("can't create ./_hello_cffi.o"):
    a fault that repeats is said to be one, scores nothing and is never kept; one
    that does not is graded again within the grade, and that verdict is the learner's."""
    course = _course(tmp_path / "course")
    cache_dir = tmp_path / "cache"
    graders = course / "tests" / "01_setup"
    (graders / "wipe-always").touch()
    proc, report = _grade(course, cache_dir, "01_setup/wipe")
    wipe = report["01_setup/wipe"]
    assert (wipe["status"], wipe["points"]) == ("error", 0), wipe
    assert wipe["message"].startswith("Not your code: the cache folder"), wipe
    assert "removed" in wipe["message"], wipe
    assert str(cache_dir) in wipe["message"], wipe
    assert "not kept" in wipe["message"], wipe
    assert list(cache_dir.glob("verdicts/*.json")) == [], "a fault is never kept as a verdict"

    (graders / "wipe-always").unlink()
    (graders / "wipe-once").touch()
    proc, report = _grade(course, cache_dir, "01_setup/wipe")
    assert report["01_setup/wipe"]["status"] == "pass", proc.stdout
    assert not (graders / "wipe-once").exists(), "the fault did happen"
    assert len(list(cache_dir.glob("verdicts/*.json"))) == 1, "the learner's verdict is kept"


@pytest.mark.skipif(os.name == "nt", reason="MSVC is found through the registry, not PATH")
def test_a_missing_compiler_is_the_machines_fault(tmp_path):
    """No C compiler: the build fails, and that `error` was kept as the learner's
    verdict after the compiler was installed."""
    course = _course(tmp_path / "course")
    cache_dir = tmp_path / "cache"
    env = grader_env(cache_dir)
    env.pop("CC", None)
    env["PATH"] = str(tmp_path / "no-compiler-here")
    out = tmp_path / "report.json"
    proc = subprocess.run(
        grader_command(course, "01_setup/hello", "--json", str(out)),
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    hello = by_id(read_report(out))["01_setup/hello"]
    assert (hello["status"], hello["points"]) == ("error", 0), hello
    assert hello["message"].startswith("Not your code: this machine has no C compiler"), hello["message"]
    assert "nox -s doctor" in hello["message"], hello
    assert not hello["cached"], hello
    assert list(cache_dir.glob("verdicts/*.json")) == [], "never kept as the learner's verdict"
    proc, report = _grade(course, cache_dir, "01_setup/hello")  # the compiler is back
    assert report["01_setup/hello"]["status"] == "pass", proc.stdout


def test_a_folder_that_is_not_a_cache_is_refused(tmp_path):
    """CFFI_COURSE_CACHE pointed at a folder that was not only a cache: pruning deleted
    the user's own files older than 14 days in its builds/, runs/, verdicts/."""
    course = _course(tmp_path / "course")
    folder = tmp_path / "my-files"
    old = time.time() - cache.KEEP_SECONDS - 3600
    theirs = []
    for rel in ("notes.txt", "builds/report.pdf", "runs/monday.csv", "verdicts/court.txt"):
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("mine", encoding="utf-8")
        os.utime(path, (old, old))
        theirs.append(path)
    proc = run_grader(course, folder, "01_setup/greet")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    err = " ".join(proc.stderr.split())
    assert str(folder) in err, err
    assert "CFFI_COURSE_CACHE" in err, err
    assert "new or empty folder" in err, err
    assert all(p.exists() for p in theirs)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "builds/report.pdf",
        "notes.txt",
        "runs/monday.csv",
        "verdicts/court.txt",
    ], "nothing was written there"


def _temporary_cache(stderr: str) -> Path:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    warnings = [ln for ln in lines if ln.startswith("warning:")]
    assert len(warnings) == 1, stderr
    m = re.search(r"temporary cache at (.+?), removed afterwards", " ".join(stderr.split()))
    assert m, stderr
    return Path(m.group(1))


def _unwritable_grade(course: Path, env: dict, *wrap: str) -> subprocess.CompletedProcess:
    out = course.parent / "report.json"
    out.unlink(missing_ok=True)
    proc = subprocess.run(
        [*wrap, *grader_command(course, "01_setup/greet", "--json", str(out))],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert by_id(read_report(out))["01_setup/greet"]["status"] == "pass", proc.stdout
    assert not _temporary_cache(proc.stderr).exists(), "the temporary cache is removed"
    return proc


def test_an_unwritable_cache_still_grades(tmp_path):
    """A cache that cannot be written (here: a file where a folder of its path
    should be; tests run as root, whom a read-only mode does not stop) or a
    read-only HOME with the default cache: a whole grade, one warning line."""
    course = _course(tmp_path / "course")
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    proc = _unwritable_grade(course, grader_env(blocker / "cache"))
    assert str(blocker / "cache") in " ".join(proc.stderr.split()), proc.stderr
    if sys.platform != "win32":  # there the default cache follows the known folder LOCALAPPDATA, not HOME
        home = grader_env(blocker)
        del home["CFFI_COURSE_CACHE"]
        home.update(HOME=str(blocker / "home"), XDG_CACHE_HOME=str(blocker / "home" / ".cache"))
        _unwritable_grade(course, home)


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap (bwrap) is not installed")
def test_a_read_only_cache_still_grades(tmp_path):
    """A real read-only mount (bubblewrap's --ro-bind): root cannot write there either."""
    course = _course(tmp_path / "course")
    ro = tmp_path / "ro-cache"
    ro.mkdir()
    wrap = ["bwrap", "--dev-bind", "/", "/", "--ro-bind", str(ro), str(ro), "--"]
    probe = subprocess.run([*wrap, "touch", str(ro / "x")], capture_output=True, text=True, check=False)
    if "Read-only" not in probe.stderr:
        pytest.skip(f"bwrap cannot make a read-only mount here: {probe.stderr.strip()}")
    proc = _unwritable_grade(course, grader_env(ro), *wrap)
    assert "Read-only file system" in proc.stderr, proc.stderr
    assert list(ro.iterdir()) == []
