"""The learner's tools: doctor, reset, catchup, and the progress kept between grades.

reset and catchup run on a copy of the course in a temporary git repository:
they must restore exactly the right files, back up every file they replace
(and say where), refuse bad input with a message and change nothing then.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, copy_course, default_sigint, grader_env, run_grader, snapshot, tree_changes

from grader import doctor, manifest

# --- doctor ---------------------------------------------------------------------------------------


def _doctor(tmp_path, **env):
    out = tmp_path / "doctor.json"
    proc = subprocess.run(
        [sys.executable, "-m", "grader.doctor", "--json", str(out)],
        cwd=tmp_path,
        env={**grader_env(tmp_path / "cache"), **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return proc, json.loads(out.read_text(encoding="utf-8"))


def test_doctor_passes_on_this_machine(tmp_path):
    proc, data = _doctor(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert data["ok"], data
    assert [c["name"] for c in data["checks"]][-2:] == ["C compiler and Python headers", doctor.ZLIB_NAME], data
    assert "Everything the course needs is here" in proc.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="MSVC is not chosen through CC")
def test_doctor_names_a_missing_compiler_and_what_to_install(tmp_path):
    proc, data = _doctor(tmp_path, CC=str(tmp_path / "no-such-gcc"), LDSHARED=str(tmp_path / "no-such-gcc"))
    assert proc.returncode == 1, proc.stdout
    failed = [c for c in data["checks"] if not c["ok"]]
    assert [c["name"] for c in failed] == ["C compiler and Python headers"], data
    # The missing compiler is simulated through CC: doctor names CC (test_doctor_cc.py)
    assert "the environment variable CC is set to" in failed[0]["detail"], failed[0]
    assert "What to do:" in proc.stdout, proc.stdout
    assert "Fix the first ✗ above" in proc.stdout, proc.stdout


@pytest.mark.parametrize(
    ("osrel", "release", "kind"),
    [
        ("ID=ubuntu\nID_LIKE=debian\n", "6.1.0", "debian"),
        ('ID="fedora"\n', "6.1.0", "fedora"),
        ('ID=rocky\nID_LIKE="rhel centos fedora"\n', "5.14", "fedora"),
        ("ID=arch\n", "6.1.0-arch1", "arch"),
        ("ID=alpine\n", "6.1.0", "alpine"),
        ('ID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\n', "6.1", "suse"),
        ("ID=nixos\n", "6.1.0", "linux"),
        ("ID=ubuntu\nID_LIKE=debian\n", "5.15.153.1-microsoft-standard-WSL2", "wsl-debian"),
    ],
)
def test_the_linux_family_is_read_from_os_release(osrel, release, kind):
    assert doctor.system_kind("linux", release, doctor.os_release(osrel)) == kind


def test_macos_and_windows_are_told_apart():
    assert doctor.system_kind("darwin", "23.0", {}) == "macos"
    assert doctor.system_kind("win32", "10", {}) == "windows"


@pytest.mark.parametrize(
    ("kind", "missing", "words"),
    [
        ("debian", "headers", "sudo apt install python3-dev"),
        ("debian", "both", "sudo apt install build-essential python3-dev"),
        ("fedora", "headers", "sudo dnf install python3-devel"),
        ("arch", "compiler", "sudo pacman -S --needed base-devel"),
        ("alpine", "both", "sudo apk add build-base python3-dev"),
        ("suse", "headers", "sudo zypper install python3-devel"),
        ("wsl-debian", "both", "inside WSL"),
        ("macos", "compiler", "xcode-select --install"),
        ("windows", "compiler", "Desktop development with C++"),
        ("linux", "headers", "with your distribution's package manager"),
    ],
)
def test_install_advice_names_the_command_for_each_system(kind, missing, words):
    assert words in doctor.install_advice(kind, missing, version=(3, 12))


def test_pypy_gets_its_own_headers_package():
    assert "pypy3-dev" in doctor.install_advice("debian", "headers", pypy=True)


@pytest.mark.parametrize(
    ("output", "cause"),
    [
        ("_x.c:3:10: fatal error: Python.h: No such file or directory", "headers"),
        ("_x.c:3:10: fatal error: 'Python.h' file not found", "headers"),
        ("_x.c(3): fatal error C1083: Cannot open include file: 'Python.h': No such file or directory", "headers"),
        ("error: Microsoft Visual C++ 14.0 or greater is required. Get it with ...", "compiler"),
        ("CompileError: [Errno 2] No such file or directory: 'x86_64-linux-gnu-gcc'", "compiler"),
        ("error: command 'gcc' failed: No such file or directory", "compiler"),
        ("/usr/include/python3.11/Python.h:23:12: fatal error: stdlib.h: No such file or directory", "compiler"),
        ("_x.c:5:1: error: expected ';' before '}' token", "other"),
    ],
)
def test_a_failed_probe_build_is_diagnosed(output, cause):
    assert doctor.diagnose_build_failure(output) == cause


def test_the_excerpt_shows_the_compilers_error_not_the_traceback():
    output = (
        'Traceback (most recent call last):\n  File "x.py", line 3, in <module>\n    ffi.compile()\n'
        "_doctor_probe.c:3:10: fatal error: Python.h: No such file or directory\n"
        "cffi.VerificationError: CompileError: command 'gcc' failed with exit code 1\n"
    )
    assert doctor.excerpt(output).splitlines()[0] == (
        "_doctor_probe.c:3:10: fatal error: Python.h: No such file or directory"
    )


# --- reset and catchup ----------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
    )
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def course_repo(tmp_path) -> Path:
    """A copy of the course (manifest, exercises, solutions) committed to a fresh git repository."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "course"
    repo.mkdir()
    shutil.copy2(ROOT / "course.toml", repo / "course.toml")
    for folder in ("exercises", "solutions"):
        shutil.copytree(ROOT / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.o"))
    shutil.copy2(ROOT / ".gitignore", repo / ".gitignore")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "the course")
    return repo


def _tool(repo: Path, cache: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader.tools", "--course", str(repo), *args],
        cwd=repo,
        env=grader_env(cache),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _backups(repo: Path) -> list[Path]:
    return sorted(p for p in (repo / "backups").rglob("*") if p.is_file()) if (repo / "backups").exists() else []


def test_reset_restores_the_starter_and_keeps_a_backup(course_repo, tmp_path):
    target = course_repo / "exercises" / "01_setup" / "calc.py"
    starter = target.read_bytes()
    mine = starter + b"\n# my own work in progress\n"
    target.write_bytes(mine)
    proc = _tool(course_repo, tmp_path / "cache", "reset", "01_setup/calc")
    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes() == starter
    (backup,) = _backups(course_repo)
    assert backup.read_bytes() == mine
    assert backup.relative_to(course_repo).parts[2:] == ("exercises", "01_setup", "calc.py")
    assert f"{backup.parent.parent.parent.relative_to(course_repo).as_posix()}/" in proc.stdout, proc.stdout
    assert "exercises/01_setup/calc.py" in proc.stdout
    assert "calc_build.py" not in proc.stdout.split("saved")[0]


def test_reset_of_an_untouched_exercise_changes_nothing(course_repo, tmp_path):
    before = snapshot(course_repo / "exercises")
    proc = _tool(course_repo, tmp_path / "cache", "reset", "01_setup/hello")
    assert proc.returncode == 0, proc.stderr
    assert "nothing to replace" in proc.stdout
    assert snapshot(course_repo / "exercises") == before
    assert not _backups(course_repo)


def test_reset_takes_the_starter_from_upstream_not_from_the_learners_commits(course_repo, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(course_repo), str(clone)], check=True)
    target = clone / "exercises" / "01_setup" / "hello_build.py"
    starter = target.read_bytes()
    target.write_bytes(b"# committed by the learner\n")
    _git(clone, "commit", "-q", "-am", "my work")
    proc = _tool(clone, tmp_path / "cache", "reset", "01_setup/hello")
    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes() == starter
    assert "origin/main" in proc.stdout, proc.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("reset", "01_setup/nope"), "no exercise '01_setup/nope'"),
        (("reset", "calc"), "did you mean 01_setup/calc"),
        (("catchup", "99"), "no lesson '99'"),
        (("catchup", "01"), "the first"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(course_repo, tmp_path, args, words):
    before = snapshot(course_repo)
    proc = _tool(course_repo, tmp_path / "cache", *args)
    assert proc.returncode == 2, proc.stderr
    assert words in proc.stderr, proc.stderr
    assert tree_changes(before, snapshot(course_repo)) == {"added": [], "removed": [], "changed": []}


def test_reset_outside_git_says_so(course_repo, tmp_path):
    shutil.rmtree(course_repo / ".git")
    (course_repo / "exercises" / "01_setup" / "calc.py").write_text("# mine\n")
    before = snapshot(course_repo)
    proc = _tool(course_repo, tmp_path / "cache", "reset", "01_setup/calc")
    assert proc.returncode == 2, proc.stderr
    assert "not a git clone" in proc.stderr, proc.stderr
    assert snapshot(course_repo) == before


def test_catchup_fills_in_earlier_lessons_only_and_backs_up(course_repo, tmp_path):
    course = manifest.load(course_repo / "course.toml")
    before = snapshot(course_repo / "exercises")
    proc = _tool(course_repo, tmp_path / "cache", "catchup", "03")
    assert proc.returncode == 0, proc.stderr
    after = snapshot(course_repo / "exercises")
    earlier = {
        f"{ex.lesson.dir}/{name}" for ex in course.exercises if ex.lesson.id in ("01", "02") for name in ex.files
    }
    for rel, data in after.items():
        if rel in earlier:
            assert data == (course_repo / "solutions" / rel).read_bytes(), rel
        else:
            assert data == before[rel], f"catchup 03 changed {rel}, which is not in lessons 01-02"
    backed_up = {
        p.relative_to(p.parents[len(p.relative_to(course_repo).parts) - 3]).as_posix() for p in _backups(course_repo)
    }
    changed = {rel for rel in earlier if before.get(rel) != after.get(rel)}
    assert {f"exercises/{rel}" for rel in changed if rel in before} == backed_up
    for p in _backups(course_repo):
        rel = p.relative_to(course_repo).parts[2:]
        assert p.read_bytes() == before["/".join(rel[1:])], rel
    assert "nox -s grade -- 03" in proc.stdout, proc.stdout
    assert "backups/" in proc.stdout, proc.stdout


def test_catchup_leaves_an_exercise_that_passes_with_the_learners_own_code(course_repo, tmp_path):
    course = manifest.load(course_repo / "course.toml")
    tree = course_repo / "exercises"
    ex = next(e for e in course.exercises if e.id == "01_setup/calc")
    mine = tree / "01_setup" / "calc.py"
    mine.write_text((course_repo / "solutions" / "01_setup" / "calc.py").read_text() + "\n# my own, passing\n")
    for name in ex.files:
        if name != "calc.py":
            shutil.copy2(course_repo / "solutions" / "01_setup" / name, tree / "01_setup" / name)
    cache = tmp_path / "cache"
    shutil.copytree(ROOT / "tests" / "01_setup", course_repo / "tests" / "01_setup")  # its grader
    graded = subprocess.run(
        [sys.executable, "-m", "grader", "--course", str(course_repo), ex.id],
        cwd=course_repo,
        env=grader_env(cache),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Progress: 1/" in graded.stdout, graded.stdout + graded.stderr  # the grade recorded the pass
    proc = _tool(course_repo, cache, "catchup", "02")
    assert proc.returncode == 0, proc.stderr
    assert mine.read_text().endswith("# my own, passing\n")
    assert "01_setup/calc" in proc.stdout, proc.stdout
    assert "pass with your own code" in proc.stdout, proc.stdout


# --- progress ---------------------------------------------------------------------------------------


def test_progress_is_kept_outside_the_tree_and_names_the_next_exercise(tmp_path):
    course_dir = copy_course(tmp_path / "faultcourse")
    cache = tmp_path / "cache"
    before = snapshot(course_dir)
    proc = run_grader(course_dir, cache, "01")
    assert proc.returncode == 0, proc.stderr
    assert "Progress: 2/" in proc.stdout, proc.stdout
    assert "exercises pass in the whole course" in proc.stdout, proc.stdout
    assert "Next in the course: 02_crash/" in proc.stdout, proc.stdout  # lesson 01 passes: what follows it
    (state,) = (cache / "progress").glob("*.json")
    records = json.loads(state.read_text())["exercises"]
    assert {k for k, v in records.items() if v["status"] == "pass"} == {"01_setup/hello", "01_setup/greet"}
    assert records["01_setup/hello"]["first_passed_at"]
    assert records["01_setup/hello"]["files_key"]
    assert snapshot(course_dir) == before, "progress must not be written among the learner's files"
    # a second grade of another lesson keeps lesson 01's records
    proc = run_grader(course_dir, cache, "04", "--timeout", "5")
    assert "Progress: 2/" in proc.stdout, proc.stdout


# --- watch ----------------------------------------------------------------------------------------


def test_watch_maps_saved_files_to_exercises_and_ignores_the_rest(tmp_path):
    from grader import watch

    course = manifest.load(ROOT / "course.toml")
    tree = ROOT / "exercises"
    assert watch.exercise_for(tree / "01_setup" / "calc.py", tree, course).id == "01_setup/calc"
    assert watch.exercise_for(tree / "01_setup" / "calc_build.py", tree, course).id == "01_setup/calc"
    for junk in (
        "01_setup/_calc_cffi.cpython-311-x86_64-linux-gnu.so",
        "01_setup/_calc_cffi.o",
        "01_setup/__pycache__/calc.cpython-311.pyc",
        "01_setup/.calc.py.swp",
        "01_setup/calc.py~",
        "01_setup/notes.txt",
    ):
        assert watch.exercise_for(tree / junk, tree, course) is None, junk
    assert watch.exercise_for(tmp_path / "calc.py", tree, course) is None


def test_watch_stops_when_a_grade_is_stopped(monkeypatch, capsys):
    """Ctrl-C or SIGTERM (a closed terminal, nox) during a grade stops the grade, which
    says so and returns 130, and then the watch too: it must not go on watching, waiting
    for a second Ctrl-C (a second SIGTERM seldom comes). Enter is already typed when the
    grade stops: a watch that went on would grade again (the fake grade then stops it)."""
    import io

    from grader import command, watch

    calls = []

    def grade(argv):
        calls.append(argv)
        if len(calls) > 1:
            raise KeyboardInterrupt  # the watch went on: end it here rather than hang
        return command.INTERRUPTED

    monkeypatch.setattr(watch.cli, "main", grade)
    monkeypatch.setattr(watch, "_watch_files", lambda *args: None)
    monkeypatch.setattr(command, "stop_on_sigterm", lambda: None)  # not in pytest's own process
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert watch.main(["01_setup/calc"]) == 0
    assert calls == [["01_setup/calc"]], "the watch graded again after a grade was stopped"
    assert "Stopped watching." in capsys.readouterr().out


def test_watch_grades_again_on_save_and_on_enter(tmp_path):
    pytest.importorskip("watchfiles", reason="nox -s watch installs watchfiles; this interpreter has none")
    import queue
    import threading
    import time

    course_dir = copy_course(tmp_path / "faultcourse")
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader.watch", "--course", str(course_dir), "01_setup/greet"],
        cwd=course_dir,
        env=grader_env(tmp_path / "cache"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(ln) for ln in proc.stdout], daemon=True).start()
    seen: list[str] = []

    def wait_for_prompt(n: int) -> None:
        deadline = time.monotonic() + 90
        while sum("Watching" in ln for ln in seen) < n:
            try:
                seen.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                proc.kill()
                pytest.fail(f"watch did not report grade {n} in time:\n{''.join(seen)}")

    try:
        wait_for_prompt(1)
        time.sleep(1.0)  # let the watcher settle before the save
        greet = course_dir / "exercises" / "01_setup" / "greet.py"
        greet.write_text(greet.read_text() + "\n# saved again\n")
        wait_for_prompt(2)
        proc.stdin.write("\n")
        proc.stdin.flush()
        wait_for_prompt(3)
        proc.stdin.write("q\n")
        proc.stdin.flush()
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdin.close()
        proc.stdout.close()
    out = "".join(seen)
    assert out.count("grading 01_setup/greet") == 3, out
    assert out.count("Score:") == 3, out


def test_catchup_grades_the_files_as_they_are_now_not_as_last_recorded(course_repo, tmp_path):
    # The last grade recorded a failing hello_build.py (the starter); the learner then
    # fixed it in their own way and ran catchup without grading again (issue 12).
    cache = tmp_path / "cache"
    shutil.copytree(ROOT / "tests" / "01_setup", course_repo / "tests" / "01_setup")  # its graders
    graded = subprocess.run(
        [sys.executable, "-m", "grader", "--course", str(course_repo), "01_setup/hello"],
        cwd=course_repo,
        env=grader_env(cache),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Progress: 0/" in graded.stdout, graded.stdout + graded.stderr  # recorded: not passing
    mine = course_repo / "exercises" / "01_setup" / "hello_build.py"
    mine.write_text(
        (course_repo / "solutions" / "01_setup" / "hello_build.py").read_text() + "\n# my own fix, never graded\n"
    )
    proc = _tool(course_repo, cache, "catchup", "02")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert mine.read_text().endswith("# my own fix, never graded\n"), "catchup replaced a passing file"
    assert "Grading your own files" in proc.stdout, proc.stdout
    assert "01_setup/hello" in proc.stdout.split("pass with")[-1], proc.stdout
    calc = course_repo / "exercises" / "01_setup" / "calc_build.py"  # the untouched starter: graded, fails, replaced
    assert calc.read_bytes() == (course_repo / "solutions" / "01_setup" / "calc_build.py").read_bytes()


def _tmp_files(tree: Path) -> list[str]:
    return [p.name for p in tree.rglob("*") if p.name.endswith(".cffi-course-tmp")]


@pytest.mark.skipif(os.name != "posix", reason="FIFOs and SIGTERM are POSIX")
def test_an_interrupted_catchup_of_odd_files_leaves_no_temporary_file_and_says_where_the_backups_are(
    course_repo, tmp_path
):
    lesson = course_repo / "exercises" / "01_setup"
    (lesson / "hello_build.py").unlink()
    os.mkfifo(lesson / "hello_build.py")  # never opened: it would block
    (lesson / "calc_build.py").unlink()
    (lesson / "calc_build.py").symlink_to("/dev/zero")  # never read: it would not end
    (lesson / "calc.py").write_text("# my calc, in progress\n")
    # The stop arrives right after the temporary copy of the 2nd file is written.
    env = dict(grader_env(tmp_path / "cache"), CFFI_COURSE_TEST_STOP="INT:2")
    proc = subprocess.run(
        [sys.executable, "-m", "grader.tools", "--course", str(course_repo), "catchup", "02"],
        cwd=course_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=default_sigint,
    )
    assert proc.returncode == 130, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not _tmp_files(course_repo / "exercises")
    (backup,) = (course_repo / "backups").iterdir()
    assert f"backups/{backup.name}/" in proc.stderr, proc.stderr
    assert "Stopped after replacing 2 files" in proc.stderr, proc.stderr
    saved = backup / "exercises" / "01_setup"
    assert os.readlink(saved / "calc_build.py") == "/dev/zero"  # the link itself, not what it leads to
    assert (saved / "calc.py").read_text() == "# my calc, in progress\n"
    assert not (saved / "hello_build.py").exists()  # a FIFO has no content to keep
    solutions = course_repo / "solutions" / "01_setup"
    assert (lesson / "hello_build.py").read_bytes() == (solutions / "hello_build.py").read_bytes()
    assert (lesson / "calc_build.py").read_bytes() == (solutions / "calc_build.py").read_bytes()
    assert (lesson / "calc.py").read_text() == "# my calc, in progress\n"  # after the stop: untouched


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM is POSIX")
def test_a_reset_stopped_by_sigterm_ends_with_one_line(course_repo, tmp_path):
    lesson = course_repo / "exercises" / "02_cdef"
    names = ["inventory_build.py", "inventory.h", "inventory.c"]
    for name in names:
        (lesson / name).write_text(f"// mine: {name}\n")
    env = dict(grader_env(tmp_path / "cache"), CFFI_COURSE_TEST_STOP="TERM:1")
    proc = subprocess.run(
        [sys.executable, "-m", "grader.tools", "--course", str(course_repo), "reset", "02_cdef/inventory"],
        cwd=course_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 130, proc.stdout + proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    (backup,) = (course_repo / "backups").iterdir()
    assert line.startswith("Stopped after replacing 1 file;"), line
    assert f"backups/{backup.name}/" in line, line
    assert not _tmp_files(course_repo / "exercises")
    assert sorted(p.name for p in (backup / "exercises" / "02_cdef").iterdir()) == sorted(names)
    assert [(lesson / n).read_text() == f"// mine: {n}\n" for n in names] == [False, True, True]
