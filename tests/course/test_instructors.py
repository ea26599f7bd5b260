"""The instructor's tools: grading a room, the LMS formats, and the files an LMS needs."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import urllib.parse
import zipfile
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, grade_course

from grader import manifest, report, runner

CLASSROOM = ROOT / "instructors" / "github-classroom"
GRADESCOPE = ROOT / "instructors" / "gradescope"


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_classroom_files_match_the_manifest():
    make = _load(CLASSROOM / "make_config.py", "make_classroom_config")
    course = manifest.load()
    assert json.loads((CLASSROOM / "autograding.json").read_text()) == make.autograding(course), (
        "instructors/github-classroom/autograding.json is out of date: run "
        "python instructors/github-classroom/make_config.py"
    )
    assert (CLASSROOM / "classroom.yml").read_text() == make.workflow(course), (
        "instructors/github-classroom/classroom.yml is out of date: run "
        "python instructors/github-classroom/make_config.py"
    )
    tests = make.autograding(course)["tests"]
    assert sum(t["points"] for t in tests) == sum(ex.points for ex in course.exercises)
    assert [t["run"] for t in tests] == [f"nox -s grade -- {lesson.id} --strict" for lesson in course.lessons]


def test_the_classroom_workflow_is_valid_yaml_with_a_reporter_for_every_lesson():
    flow = yaml.safe_load((CLASSROOM / "classroom.yml").read_text())
    steps = flow["jobs"]["run-autograding-tests"]["steps"]
    graders = [s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-command-grader")]
    reporter = steps[-1]
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter")
    assert reporter["with"]["runners"].split(",") == [s["id"] for s in graders]
    for s in graders:
        assert f"{s['id'].upper().replace('-', '_')}_RESULTS" in reporter["env"], s["id"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_gradescope_scripts_parse():
    for script in ("setup.sh", "run_autograder"):
        proc = subprocess.run(["bash", "-n", str(GRADESCOPE / script)], capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"{script}: {proc.stderr}"
        assert os.access(GRADESCOPE / script, os.X_OK), f"{script} must be executable"
    script = (GRADESCOPE / "run_autograder").read_text()
    assert "--isolate" in script, "run_autograder must sandbox and check"
    assert "-m grader.gradescope" in script, "run_autograder must sandbox and check"
    assert script.rstrip().endswith('main "$@"; exit'), "bash must read run_autograder whole before running it"


def _normalised(data: bytes) -> str:
    """Text with trailing spaces and blank lines gone: a copy stays a copy when re-indented at the end."""
    return "\n".join(line.rstrip() for line in data.decode("utf-8", "replace").splitlines() if line.strip())


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_gradescope_zip_grades_and_holds_no_working_solution(tmp_path, course_cache):
    """The zip is what Gradescope's image holds, where every submission runs: no working
    solution may be in it, in any folder. Proved two ways: no file in it holds the work of a
    solution or of an ok- variant, and every file set in it that could stand in for an
    exercise's files (same names, anywhere outside exercises/) is graded by the engine and
    does not pass. And the zip still grades: solutions/ scores full marks with its engine."""
    make = _load(GRADESCOPE / "make_zip.py", "make_gradescope_zip")
    out = tmp_path / "autograder.zip"
    names = make.build(out)
    assert names[:2] == ["setup.sh", "run_autograder"]
    assert {
        "course.toml",
        "noxfile.py",
        "pyproject.toml",
        "grader/cli.py",
        "tests/01_setup/test_hello.py",
        "exercises/01_setup/hello_build.py",
    } <= set(names)
    source = tmp_path / "source"
    with zipfile.ZipFile(out) as z:
        z.extractall(source)
    course = manifest.load()

    # 1. No file holds a solution's own work (what differs from the starter), even inside another file.
    answers = {}
    for done in [ROOT / "solutions", *sorted((ROOT / "tests" / "variants").glob("*/*/ok-*"))]:
        for path in sorted(p for p in done.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            rel = path.relative_to(done)
            starter = ROOT / "exercises" / (rel if done.name == "solutions" else Path(done.parts[-3]) / rel)
            text = _normalised(path.read_bytes())
            if text and (not starter.is_file() or _normalised(starter.read_bytes()) != text):
                answers[path.relative_to(ROOT).as_posix()] = text
    assert len(answers) > 80, "the solutions were not found"
    leaks = [
        (name, answer)
        for name in names
        for answer, text in answers.items()
        if text in _normalised((source / name).read_bytes())
    ]
    assert not leaks, f"the autograder zip holds working solutions (zip file, solution): {leaks[:5]}"

    # 2. Any file set that could stand in for an exercise's files is graded: none passes.
    stand_ins: dict[str, dict[str, list]] = {}  # folder in the zip -> exercise id -> its files found there
    for ex in course.exercises:
        own = {f"exercises/{ex.lesson.dir}/{f}" for f in ex.files}
        for f in ex.files:
            for name in names:
                if name.endswith("/" + f) and name not in own:
                    stand_ins.setdefault(name[: -len(f)], {}).setdefault(ex.id, []).append(f)
    by_id = {ex.id: ex for ex in course.exercises}
    for n, (folder, found) in enumerate(sorted(stand_ins.items())):
        tree = tmp_path / f"stand-in-{n}"
        shutil.copytree(source / "exercises", tree)
        for ex_id, files in found.items():
            for f in files:
                shutil.copyfile(source / folder / f, tree / by_id[ex_id].lesson.dir / f)
        report, _ = grade_course(["--tree", str(tree), *found], course_cache, tmp_path / f"stand-in-{n}.json")
        passing = [e["id"] for e in report["exercises"] if e["status"] == "pass"]
        assert not passing, f"{folder} in the autograder zip passes {passing}: a working solution"

    # 3. The zip is enough to grade: its engine gives solutions/ full marks.
    env = dict(os.environ, CFFI_COURSE_CACHE=str(course_cache), NO_COLOR="1")
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "01", "--tree", str(ROOT / "solutions"), "--json", str(tmp_path / "zip.json")],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "zip.json").read_text())
    assert data["score"] == data["max_score"] > 0, data


def test_gradescope_scores_come_from_the_manifest_not_from_the_result():
    """A verdict that says 1000 points (forged, or cached under older points) scores the
    exercise's points from course.toml if it passed, and 0 if it did not."""
    course = manifest.load()
    hello, calc = course.exercises[0], course.exercises[1]
    results = {
        hello.id: runner.ExerciseResult(hello.id, hello.lesson.id, "pass", 1000, 1000),
        calc.id: runner.ExerciseResult(calc.id, calc.lesson.id, "fail", 1000, 1000),
    }
    data = report.to_gradescope([hello, calc], results)
    assert [(t["score"], t["max_score"]) for t in data["tests"]] == [(hello.points, hello.points), (0, calc.points)]
    assert data["score"] == hello.points


def test_gradescope_results_format(tmp_path, course_cache):
    out = tmp_path / "results.json"
    for tree, expect in ((ROOT / "solutions", "passed"), (ROOT / "exercises", "failed")):
        report, _ = grade_course(
            ["--tree", str(tree), "01", "--gradescope", str(out)], course_cache, tmp_path / "report.json"
        )
        data = json.loads(out.read_text())
        assert data["score"] == report["score"]
        assert [t["max_score"] for t in data["tests"]] == [e["max_points"] for e in report["exercises"]]
        assert {t["status"] for t in data["tests"]} == {expect}, data
        if expect == "failed":
            assert "✗ test_" in data["tests"][0]["output"], data
            assert "Hint:" in data["tests"][0]["output"], data


# A submission's builder that attacks Gradescope's script from inside the grade (it runs
# when the grader imports it), then defines the module correctly, so it passes.
HOSTILE_PREFIX = """import os

ROOT = @ROOT@


def _attack():
    # A forged results.json, written before the engine has written anything.
    try:
        with open(os.path.join(ROOT, "results", "results.json"), "w") as fh:
            fh.write('{"score": 1000}')
    except OSError:
        pass
    # A line appended to the run_autograder script running above this process: bash reads
    # its script as it goes, through fd 255. Only that script (the one under ROOT): the same
    # line appended to another bash script up the chain (CI's own .ci/run) would run there.
    line = "\\necho '{\\"score\\": 1000}' > " + ROOT + "/results/results.json; touch " + ROOT + "/appended-line-ran\\n"
    pid = os.getppid()
    while pid > 1:
        try:
            if os.path.realpath(f"/proc/{pid}/fd/255") == os.path.realpath(os.path.join(ROOT, "run_autograder")):
                with open(f"/proc/{pid}/fd/255", "a") as fh:
                    fh.write(line)
        except OSError:
            pass
        try:
            with open(f"/proc/{pid}/stat") as fh:
                pid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break


_attack()
"""


def _autograder(tmp_path, name: str, hello: str) -> Path:
    """An /autograder layout in tmp: source (the course), the script where Gradescope copies
    it, a submission with lesson 01 (hello_build.py given, calc as the starter)."""
    root = tmp_path / name
    (root / "source").parent.mkdir(parents=True)
    (root / "source").symlink_to(ROOT, target_is_directory=True)
    shutil.copy2(GRADESCOPE / "run_autograder", root / "run_autograder")
    lesson = root / "submission" / "exercises" / "01_setup"
    shutil.copytree(ROOT / "exercises" / "01_setup", lesson)
    (lesson / "hello_build.py").write_text(hello.replace("@ROOT@", repr(str(root))), encoding="utf-8")
    return root


def _run_autograder(root: Path, course_cache, **env) -> tuple[dict, subprocess.CompletedProcess]:
    env = dict(
        os.environ,
        AUTOGRADER_ROOT=str(root),
        GRADER_PYTHON=sys.executable,
        SELECTORS="01",
        CFFI_COURSE_CACHE=str(course_cache),
        NO_COLOR="1",
        **env,
    )
    proc = subprocess.run(
        ["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8")), proc


@pytest.mark.skipif(
    shutil.which("bash") is None or not os.path.exists("/proc/self/fd"), reason="the attack goes through bash and /proc"
)
def test_a_submission_cannot_raise_its_gradescope_score(tmp_path, course_cache):
    """Under run_autograder, a submission appends a line to the running script (through
    /proc/<pid>/fd/255) and forges results.json: the score stays what the engine gives it.
    No sandbox here (forced off, with the instructor's flag), so the attack reaches the
    script and only the script's own hardening stands in its way."""
    hello = HOSTILE_PREFIX + (ROOT / "solutions" / "01_setup" / "hello_build.py").read_text(encoding="utf-8")
    root = _autograder(tmp_path, "ag", hello)
    data, proc = _run_autograder(root, course_cache, CFFI_COURSE_SANDBOX="none", ALLOW_UNSANDBOXED="1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "appended-line-ran" in (root / "run_autograder").read_text(), "the attack did not reach the script"
    assert not (root / "appended-line-ran").exists(), "a line appended to run_autograder was run"
    assert [(t["score"], t["max_score"], t["status"]) for t in data["tests"]] == [(2, 2, "passed"), (0, 2, "failed")]
    assert data["score"] == 2, data

    # Where no sandbox works and the instructor did not allow it, nothing is graded, and results.json says so.
    root = _autograder(tmp_path, "refused", hello)
    data, proc = _run_autograder(root, course_cache, CFFI_COURSE_SANDBOX="none")
    assert data["score"] == 0, data
    assert not data["tests"], data
    assert "did not grade this submission (exit status 2)" in data["output"], data
    assert "sandbox" in data["output"], data
    assert not (root / "appended-line-ran").exists()


def test_grading_a_room(tmp_path, course_cache):
    """Every entry of the room appears in the table, the CSV and the JSON: graded, or with
    the reason it was not (empty, not a folder, a link, no exercises/). A folder name that is
    not UTF-8 is graded and written (readable in `name`, exact in `folder`). Untouched
    starter files are "not started", and left out of the hardest exercises; the CSV says
    how many checks passed and which failed first."""
    room = tmp_path / "room"
    shutil.copytree(ROOT / "solutions" / "01_setup", room / "ada" / "exercises" / "01_setup")  # a clone's layout
    shutil.copytree(ROOT / "exercises" / "01_setup", room / "bob" / "01_setup")  # exercises/ itself, untouched
    shutil.copytree(ROOT / "exercises" / "01_setup", room / "carl" / "01_setup")  # hello done, calc one byte off
    shutil.copy(ROOT / "solutions" / "01_setup" / "hello_build.py", room / "carl" / "01_setup")
    with (room / "carl" / "01_setup" / "calc.py").open("a") as fh:
        fh.write("\n")
    (room / "notes.txt").write_text("not a participant")
    (room / "empty").mkdir()
    (room / "junk").mkdir()
    (room / "junk" / "README.md").write_text("no exercises here")
    (room / ".git").mkdir()
    expected = {
        "ada": (True, 4, ""),
        "bob": (True, 0, ""),
        "carl": (True, 2, ""),
        "empty": (False, 0, "empty folder"),
        "junk": (False, 0, "no exercises/ folder"),
        "notes.txt": (False, 0, "not a folder: a file"),
    }
    if os.name == "posix":
        (room / "link").symlink_to(room / "ada", target_is_directory=True)  # ada's work under another name
        os.mkfifo(room / "pipe")
        expected.update(
            {"link": (False, 0, "not a folder: a symbolic link"), "pipe": (False, 0, "not a folder: a FIFO")}
        )
    latin1 = b"caf\xe9"  # "café" in Latin-1: not UTF-8
    try:
        os.mkdir(os.fsencode(room) + b"/" + latin1)
    except (OSError, UnicodeError):  # macOS and Windows keep names in Unicode
        latin1 = None
    else:
        shutil.copytree(ROOT / "solutions" / "01_setup", room / os.fsdecode(latin1) / "exercises" / "01_setup")
        expected["caf\\xe9"] = (True, 4, "")
    env = dict(os.environ, CFFI_COURSE_CACHE=str(course_cache), NO_COLOR="1", COLUMNS="250")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader.room",
            str(room),
            "01",
            "--json",
            str(tmp_path / "room.json"),
            "--csv",
            str(tmp_path / "room.csv"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    graded = sum(g for g, _, _ in expected.values())
    assert f"{graded} participants, {len(expected) - graded} not graded" in proc.stdout, proc.stdout
    rows = {
        line.split()[0]: line for line in proc.stdout.splitlines() if line.split()[:1] and line.split()[0] in expected
    }
    assert set(rows) == set(expected), proc.stdout
    for name, (_, score, problem) in expected.items():
        assert f"{score}/4" in rows[name], rows[name]
        assert problem in rows[name], rows[name]
    assert "Hidden entries left out: .git" in proc.stdout, proc.stdout
    assert rows["bob"].split()[:2] == ["bob", "·"], proc.stdout
    assert "started nothing" in rows["bob"], proc.stdout
    assert "started" not in rows["carl"] + rows["ada"], proc.stdout
    # hello: passed by all who started it (bob did not), so not among the hardest; calc: one failure
    # among three who started it, said as counts.
    hardest = proc.stdout.split("Hardest for this room", 1)[-1]
    assert "01_setup/hello" not in hardest, hardest
    assert "01_setup/calc · lessons/01-setup.md#exercise-calc" in hardest, hardest
    started = 3 if latin1 else 2
    assert f"{started - 1}/{started} pass" in hardest, hardest
    assert ": 1 fail; 1 not started" in hardest, hardest

    data = json.loads((tmp_path / "room.json").read_bytes().decode("utf-8"))  # strict UTF-8
    got = {p["name"]: (p["graded"], p["score"], p["problem"]) for p in data["participants"]}
    assert set(got) == set(expected), got
    for name, (is_graded, score, problem) in expected.items():
        assert got[name][:2] == (is_graded, score), (name, got[name])
        assert problem in got[name][2], (name, got[name])
    started = {p["name"]: [e["started"] for e in p["exercises"]] for p in data["participants"]}
    assert (started["ada"], started["bob"], started["carl"], started["empty"]) == (
        [True, True],
        [False, False],
        [True, True],
        [None, None],
    ), started
    folders = {urllib.parse.unquote_to_bytes(p["folder"]) for p in data["participants"]}
    assert folders == {os.fsencode(n) for n in expected if n != "caf\\xe9"} | ({latin1} if latin1 else set())

    with (tmp_path / "room.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2 * len(expected)
    assert {r["participant"] for r in rows} == set(expected)
    assert {r["status"] for r in rows if r["participant"] == "ada"} == {"pass"}
    assert {(r["status"], r["note"]) for r in rows if r["participant"] == "empty"} == {("not graded", "empty folder")}
    by = {(r["participant"], r["exercise"]): r for r in rows}
    assert by["bob", "01_setup/hello"]["started"] == "no"
    assert by["ada", "01_setup/hello"]["started"] == "yes"
    passed, total = map(int, by["ada", "01_setup/hello"]["checks_passed"].split("/"))
    assert passed == total > 0
    assert not by["ada", "01_setup/hello"]["first_failing_check"]
    calc = by["carl", "01_setup/calc"]
    passed, total = map(int, calc["checks_passed"].split("/"))
    assert (calc["status"], calc["started"]) == ("fail", "yes"), calc
    assert passed < total, calc
    assert calc["first_failing_check"].startswith("test_"), calc
    if latin1:
        assert {(r["status"], r["folder"]) for r in rows if r["participant"] == "caf\\xe9"} == {("pass", "caf%E9")}


def test_a_room_folder_without_participants_is_refused(tmp_path):
    (tmp_path / "room").mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "grader.room", str(tmp_path / "room")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "holds no participant folder" in proc.stderr, proc.stderr


def test_the_dev_container_installs_a_compiler_and_runs_the_doctor():
    config = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text())
    assert config["image"].startswith("mcr.microsoft.com/devcontainers/python:3."), config["image"]
    command = config["postCreateCommand"]
    assert "build-essential" in command, command
    assert "nox" in command, command
    assert command.endswith("nox -s doctor"), command
