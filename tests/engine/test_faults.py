"""The engine's promises, proved on the fault course (faultcourse/course.toml):
one exercise per way learner code can go wrong, each with checks around the
fault so that "the other checks still run" shows, plus healthy exercises.

The course is graded once per session (conftest.py: ``fault_grade``).
"""

from __future__ import annotations

import os
import platform
import re
import subprocess

import pytest
from helpers import (
    HAS_PROC,
    by_id,
    checks_of,
    copy_course,
    grader_command,
    grader_env,
    read_report,
    run_grader,
    tree_changes,
)

from grader.paths import Paths

IS_WINDOWS = platform.system() == "Windows"


@pytest.fixture(scope="module")
def results(fault_grade) -> dict[str, dict]:
    return by_id(fault_grade.report)


def _statuses(entry: dict) -> dict[str, str]:
    return {name: t["status"] for name, t in checks_of(entry).items()}


# --- every exercise, its status and the checks around the fault -------------------------------


def test_every_exercise_was_graded(fault_grade):
    import grader.manifest

    course = grader.manifest.load(fault_grade.course / "course.toml")
    assert [e["id"] for e in fault_grade.report["exercises"]] == [ex.id for ex in course.exercises]
    assert not [e["id"] for e in fault_grade.report["exercises"] if e["status"] == "not graded"]
    assert fault_grade.report["interrupted"] is False
    assert fault_grade.report["tree"] == "exercises"


def test_healthy_exercises_pass(results, fault_grade):
    for ex_id in ("01_setup/hello", "01_setup/greet"):
        entry = results[ex_id]
        assert entry["status"] == "pass", (ex_id, entry["message"], entry["tests"])
        assert entry["points"] == entry["max_points"] > 0
        assert entry["tests"]
        assert all(t["status"] == "pass" for t in entry["tests"])
    # 06_memory/bugs passes too: its memory bugs are silent without memcheck (test_memcheck.py).
    assert fault_grade.report["score"] == 4, "only the two healthy exercises (2 + 1) and 06_memory/bugs (1) may score"
    assert fault_grade.report["max_score"] == sum(e["max_points"] for e in fault_grade.report["exercises"])


def test_segfault_in_the_second_check(results):
    entry = results["02_crash/segv"]
    assert entry["status"] == "crash"
    assert entry["points"] == 0
    assert _statuses(entry) == {"test_twice": "pass", "test_store_null": "crash", "test_store": "pass"}, (
        "the check before the crash keeps its pass, the one after it still runs"
    )
    message = checks_of(entry)["test_store_null"]["message"]
    assert "segmentation fault" in message
    assert "SIGSEGV" in message
    assert "test_store_null" in message
    assert "NULL" in message, "a crash message names the usual causes"
    assert entry["message"] == message


def test_crash_shows_the_compilers_warning_at_the_learners_line(results):
    """`if (out = NULL)`: gcc and clang warn (-Wparentheses) at the learner's line; the crash shows it."""
    entry = results["02_crash/assign"]
    assert entry["status"] == "crash"
    assert _statuses(entry) == {"test_fill": "crash", "test_triple": "pass"}
    message = checks_of(entry)["test_fill"]["message"]
    if not IS_WINDOWS:  # MSVC words it otherwise (C4706, at /W4 only)
        assert "The C compiler warned about your code" in message, message
        assert re.search(r"^exercises/02_crash/assign_build\.py:14:\d+: warning: .*parentheses", message, re.M), message
        assert "if (out = NULL)" in message
    assert entry["message"] == message


def test_a_crashed_check_is_run_again_under_the_sanitizer(results):
    """Where AddressSanitizer runs (Linux, gcc, CPython), the crashed check alone, rebuilt under it,
    names the C function and the learner's line; elsewhere the crash is reported without it."""
    from grader import sanitizer

    message = checks_of(results["02_crash/assign"])["test_fill"]["message"]
    try:
        sanitizer.prepare()
    except sanitizer.Unsupported:
        assert "Run again alone under AddressSanitizer" not in message
        return
    assert "Run again alone under AddressSanitizer, it found a write through a NULL pointer" in message, message
    assert "Where: fill() at exercises/02_crash/assign_build.py line 16\n    *(volatile int *)out = value;" in (
        message
    ), message
    segv = checks_of(results["02_crash/segv"])["test_store_null"]["message"]
    assert "Where: store() at exercises/02_crash/segv_build.py line 14" in segv, segv
    assert _statuses(results["02_crash/segv"]) == {
        "test_twice": "pass",
        "test_store_null": "crash",
        "test_store": "pass",
    }


def test_abort_from_free_of_ffi_new_memory(results):
    entry = results["02_crash/abort"]
    assert entry["status"] == "crash"
    assert _statuses(entry) == {"test_release": "crash", "test_three": "pass"}
    message = entry["message"]
    assert "an abort" in message
    assert "SIGABRT" in message
    assert "free()" in message
    if platform.libc_ver()[0] == "glibc":
        assert "The C library said: free(): invalid pointer" in message


def test_os_exit_0_is_never_a_pass(results):
    entry = results["02_crash/quitter"]
    assert entry["status"] == "error"
    assert _statuses(entry) == {"test_answer": "error", "test_question": "pass"}
    message = checks_of(entry)["test_answer"]["message"]
    assert "ended early (exit code 0)" in message
    assert "os._exit()" in message
    assert "test_answer" in message


# greet.py of the healthy 01_setup/greet, ending its own check instead of answering greet("").
ENDS_ITS_CHECK = {
    "skip": (
        "import unittest\n        raise unittest.SkipTest('not done yet')",
        "fail",
        ["your code skipped this check", "exercises/01_setup/greet.py, line 4", "SkipTest: not done yet"],
    ),
    "pytest.exit": (
        "import pytest\n        pytest.exit('bye', returncode=0)",
        "error",
        ["stopped its checks early", "while running test_greet_empty", "pytest.exit()"],
    ),
}


def test_learner_code_that_ends_its_check_never_passes(tmp_path):
    """A check skipped does not count against the exercise (the machine cannot run it:
    lesson 15's zlib, 16's libpython); one the learner's code skips (pytest.skip(),
    unittest.SkipTest), or a run it ends (pytest.exit(): pytest then stops quietly, and
    the check never reports) passed the exercise without the check. Neither may."""
    course = copy_course(tmp_path / "course")
    greet = course / "exercises" / "01_setup" / "greet.py"
    for how, (end, status, said) in ENDS_ITS_CHECK.items():
        greet.write_text(
            f"def greet(name):\n    if not name:\n        {end}\n    return f'Hello, {{name}}!'\n", encoding="utf-8"
        )
        run_grader(course, tmp_path / "cache", "01_setup/greet", "--json", str(tmp_path / f"{how}.json"))
        entry = by_id(read_report(tmp_path / f"{how}.json"))["01_setup/greet"]
        assert entry["status"] == status, (how, entry)
        assert _statuses(entry) == {"test_greet": "pass", "test_greet_empty": status}, (how, entry)
        message = checks_of(entry)["test_greet_empty"]["message"]
        assert all(text in message for text in said), (how, message)


def test_a_skip_is_decided_again_once_the_machine_has_what_it_lacked(tmp_path):
    """A check skips when the machine lacks what it needs (lesson 17's tools, zlib): the
    exercise is graded skip. That verdict was kept, so after the learner installed the tool
    (`nox -s grade -- 17` installs lesson 17's), the next grade served the skip again. A
    kept skip now holds only while the machine is unchanged (cache.machine_stamp): here
    the tool appears in a folder on the engine's PATH."""
    course = copy_course(tmp_path / "course")
    grader = course / "tests" / "01_setup" / "test_greet.py"
    bin_dir = tmp_path / "bin"  # a folder on PATH, where an installed tool would land
    bin_dir.mkdir()
    tool = bin_dir / "the-tool"
    grader.write_text(
        "import pathlib\n\nimport pytest\n\n\n@pytest.fixture(autouse=True)\ndef _needs_the_tool():\n"
        f"    if not pathlib.Path({str(tool)!r}).exists():\n"
        "        pytest.skip('the tool is not installed here')\n\n\n" + grader.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    for run, expected, cached in (("before", "skip", False), ("again", "skip", True), ("installed", "pass", False)):
        if run == "installed":
            tool.touch()
        out = tmp_path / f"{run}.json"
        run_grader(course, tmp_path / "cache", "01_setup/greet", "--json", str(out), env=env)
        entry = by_id(read_report(out))["01_setup/greet"]
        assert entry["status"] == expected, (run, entry)
        assert entry["cached"] == cached, (run, "a skip is kept while the machine is unchanged, and only then")


def test_endless_loop_in_c(results):
    entry = results["03_hang/cloop"]
    assert entry["status"] == "timeout"
    assert _statuses(entry) == {"test_one": "pass", "test_spin": "timeout", "test_one_again": "timeout"}
    message = checks_of(entry)["test_spin"]["message"]
    assert "still running after 3 s" in message
    assert "test_spin" in message
    assert "stopped" in message
    if not IS_WINDOWS:  # the stack is dumped on POSIX only (runner._dump_stack)
        assert "inside C" in message, message
    assert checks_of(entry)["test_one_again"]["message"].startswith(
        "not run: test_spin reached the time limit first"
    ), "one time-out is enough: the rest is not run"


def test_endless_loop_in_python(results):
    entry = results["03_hang/pyloop"]
    assert entry["status"] == "timeout"
    assert _statuses(entry) == {"test_countdown": "timeout", "test_ready": "timeout"}
    assert "still running after 3 s" in entry["message"]
    assert "not run: test_countdown reached the time limit first" in checks_of(entry)["test_ready"]["message"]
    if not IS_WINDOWS:  # where it was stuck, from the Python stack dumped before the kill
        if platform.python_implementation() == "PyPy":  # PyPy's faulthandler names the function's first line
            assert "It was stopped at: exercises/03_hang/pyloop.py, line " in entry["message"], entry["message"]
        else:
            # The stack is dumped wherever the loop happens to be: its test (line 5) or its body (line 6).
            assert re.search(
                r"It was stopped at: exercises/03_hang/pyloop\.py, line (5 in countdown\(\)\n    while n > 0:|"
                r"6 in countdown\(\)\n    pass)",
                entry["message"],
            ), entry["message"]
        assert "Fatal Python error" not in entry["output"]


def test_an_exception_in_a_callback_is_shown(results):
    """cffi cannot raise through C: it prints the exception and C gets 0. The check fails on the
    wrong total; its message shows the exception at the learner's line (pytest would swallow it)."""
    entry = results["07_callbacks/visit"]
    assert _statuses(entry) == {"test_total": "fail", "test_total_known": "pass"}
    message = checks_of(entry)["test_total"]["message"]
    assert message.startswith("total([1, 2, 3]) returned 6, expected 12\n"), message
    assert "A Python exception was raised inside your callback" in message
    assert "exercises/07_callbacks/visit.py, line 10\n    return WEIGHTS[x]\nKeyError: 3" in message, message


def test_syntax_error_in_a_learner_module(results):
    entry = results["04_build/syntax"]
    assert entry["status"] == "error", "a module that does not parse is an error (the checks could not run)"
    assert set(_statuses(entry).values()) == {"error"}
    assert "exercises/04_build/syntax.py, line 4" in entry["message"]
    assert "Python cannot read" in entry["message"]


def test_cdef_error_shows_the_declaration(results):
    entry = results["04_build/cdef"]
    assert entry["status"] == "error"
    assert set(_statuses(entry).values()) == {"error"}
    message = entry["message"]
    assert "CDefError" in message
    assert "exercises/04_build/cdef_build.py, line 8" in message, "the declaration's own line in the builder"
    assert "int sub(int a, int b) { return a - b; }" in message
    assert "no function bodies" in message


def test_compile_error_points_at_the_builder_line(results):
    entry = results["04_build/broken"]
    assert entry["status"] == "error"
    assert set(_statuses(entry).values()) == {"error"}
    message = entry["message"]
    assert re.search(r"^exercises/04_build/broken_build\.py:14:\d+: error:", message, re.M), message
    assert "return sum;" in message, "the compiler's source excerpt is kept"
    assert "_broken_cffi.c" not in message, "not the generated C file"
    assert "/tmp" not in message, "no scratch paths"
    assert "runs/" not in message, "no scratch paths"


def test_declared_but_undefined_function(results):
    entry = results["04_build/undefined"]
    assert entry["status"] == "error"
    assert set(_statuses(entry).values()) == {"error"}
    # gcc 12 builds it and the import fails (undefined symbol); gcc 14 and clang
    # refuse the implicit declaration: either way the learner reads the same.
    assert "`sub` is declared in cdef() and no C code compiled into the module defines it" in entry["message"]
    assert "set_source()" in entry["message"]


def test_missing_file(results):
    entry = results["04_build/missing"]
    assert entry["status"] == "missing"
    assert entry["points"] == 0
    assert "exercises/04_build/missing_build.py is missing" in entry["message"]


def test_exception_at_import_time(results):
    entry = results["04_build/boom"]
    assert entry["status"] == "error"
    assert set(_statuses(entry).values()) == {"error"}
    message = entry["message"]
    assert "exercises/04_build/boom.py, line 4" in message
    assert 'DEFAULT = LIMITS["medium"]' in message
    assert "KeyError" in message


def test_output_flood(results, fault_grade):
    entry = results["05_limits/flood"]
    assert _statuses(entry) == {"test_chatter": "fail", "test_chatter_then_die": "crash", "test_quiet": "pass"}
    assert entry["status"] == "crash"
    fail = checks_of(entry)["test_chatter"]["message"]
    assert "chatter(16) returned 41, expected 42" in fail, "an assertion shows expected vs actual"
    assert "41 == 42" not in fail, "the grader's message says it in words: pytest's explanation is dropped"
    crash = checks_of(entry)["test_chatter_then_die"]["message"]
    assert "SIGSEGV" in crash
    if platform.python_implementation() == "PyPy":  # PyPy's faulthandler names the function's first line
        assert 'Your code was running: "exercises/05_limits/flood.py", line 19 in chatter_then_die' in crash, crash
    else:
        assert 'Your code was running: "exercises/05_limits/flood.py", line 22' in crash, "the learner's line"
    assert "AddressSanitizer" not in crash, "a signal the code sent itself (os.kill) is no memory access to locate"
    assert len(entry["output"]) <= 2000
    assert all(len(t["message"]) <= 2000 for t in entry["tests"])


def test_report_stays_small(fault_grade):
    size = fault_grade.json_path.stat().st_size
    assert size < 100_000, f"the JSON report is {size} bytes although 20 MB were printed"
    assert len(fault_grade.proc.stdout) < 50_000
    for entry in fault_grade.report["exercises"]:
        assert len(entry["message"]) <= 2000, entry["id"]
        assert len(entry["output"]) <= 2000, entry["id"]


@pytest.mark.skipif(IS_WINDOWS, reason="the address-space limit is POSIX only (no rlimit on Windows)")
def test_huge_allocations_are_normal_failures(results):
    entry = results["05_limits/hog"]
    assert entry["status"] == "fail"
    assert _statuses(entry) == {"test_grab": "fail", "test_make_buffer": "fail", "test_small_buffer": "pass"}
    grabbed = re.search(r"grab\(\) took (\d+) blocks of 64 MB", checks_of(entry)["test_grab"]["message"])
    assert grabbed, checks_of(entry)["test_grab"]["message"]
    assert int(grabbed.group(1)) < 16, "the engine's address-space limit (1 GB) stops a malloc() loop"
    hog = checks_of(entry)["test_make_buffer"]["message"]
    assert "MemoryError" in hog
    assert "exercises/05_limits/hog.py, line 5" in hog


# --- nothing written, nothing left running ------------------------------------------------------


def test_graded_tree_unchanged(fault_grade):
    changes = tree_changes(fault_grade.before, fault_grade.after)
    assert changes == {"added": [], "removed": [], "changed": []}, changes
    assert any(p.startswith("exercises/") for p in fault_grade.before)


def test_builds_go_to_the_cache(fault_grade):
    built = [p for p in (fault_grade.cache / "builds").iterdir() if not p.name.startswith(".")]
    assert built, "the compiled modules live in the cache"
    for entry in built:
        assert (entry / "meta.json").is_file(), f"a cache entry without its meta.json: {entry}"
    assert not list((fault_grade.cache / "runs").iterdir()), "scratch folders are removed after each exercise"


@pytest.mark.skipif(not HAS_PROC, reason="needs /proc to list processes")
def test_no_process_left_behind(fault_grade):
    assert fault_grade.leftovers == []


# --- the cache ----------------------------------------------------------------------------------


def _comparable(report: dict) -> list:
    return [(e["id"], e["status"], e["points"], e["message"], e["tests"]) for e in report["exercises"]]


def test_second_grade_is_served_from_the_cache(fault_grade, tmp_path):
    out = tmp_path / "again.json"
    proc = run_grader(fault_grade.course, fault_grade.cache, "--json", str(out), "--timeout", "3")
    assert proc.returncode == 0, proc.stderr
    again = read_report(out)
    assert _comparable(again) == _comparable(fault_grade.report)
    not_cached = [e["id"] for e in again["exercises"] if not e["cached"] and e["status"] != "missing"]
    assert not_cached == [], "nothing changed: every verdict comes from the cache"
    assert not [e["id"] for e in fault_grade.report["exercises"] if e["cached"]], "the session grade was cold"


def test_editing_one_file_regrades_only_that_exercise(fault_grade, tmp_path):
    course = copy_course(tmp_path / "faultcourse")  # the same content, elsewhere: the same verdicts
    builder = course / "exercises" / "01_setup" / "hello_build.py"
    builder.write_text(builder.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    out = tmp_path / "edited.json"
    proc = run_grader(course, fault_grade.cache, "--json", str(out), "--timeout", "3")
    assert proc.returncode == 0, proc.stderr
    edited = read_report(out)
    regraded = [e["id"] for e in edited["exercises"] if not e["cached"] and e["status"] != "missing"]
    assert regraded == ["01_setup/hello"]
    assert _comparable(edited) == _comparable(fault_grade.report)


@pytest.mark.skipif(IS_WINDOWS, reason="CFLAGS in gcc/clang syntax")
def test_undeclared_function_refused_by_the_compiler(fault_course, tmp_path):
    """What gcc 14 and clang do by default (gcc 12 only warns): the same advice."""
    out = tmp_path / "r.json"
    env = dict(grader_env(tmp_path / "cache"), CFLAGS="-Werror=implicit-function-declaration")
    proc = subprocess.run(
        grader_command(fault_course, "04_build/undefined", "--json", str(out)),
        cwd=fault_course,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    entry = by_id(read_report(out))["04_build/undefined"]
    assert entry["status"] == "error"
    assert "the C compiler rejected the module" in entry["message"]
    assert "implicit declaration of function" in entry["message"]
    assert "`sub` is declared in cdef() and no C code compiled into the module defines it" in entry["message"]
    assert "disagree on a type" not in entry["message"], "not the generic advice"


def test_pytest_failing_to_start_is_not_blamed_on_the_learner():
    """pytest's own exit codes (usage error, internal error) before any check: the grader or its
    installation is at fault, since learner code only runs inside checks."""
    from grader import runner

    run = runner._Run(returncode=4, stopped=None, limit=10.0, output="ImportError while loading conftest")
    result = runner._death(run, None, Paths("/scratch", "exercises"))
    assert result.status == "error"
    assert "pytest could not start the grader" in result.message
    assert "not of your code" in result.message
    learner_exit = runner._death(runner._Run(4, None, 10.0, ""), "tests/x.py::test_a", Paths("/s", "exercises"))
    assert "ended early (exit code 4) while running test_a" in learner_exit.message, learner_exit.message


def test_a_crash_after_the_last_check_is_told_as_such():
    """Every check reported, then the process died on its way out (an atexit handler, a
    destructor in C): a crash of its own, named for the moment it happened."""
    from grader import procs, runner

    code = 0xC0000005 if procs.IS_WINDOWS else -11  # an access violation / SIGSEGV
    run = runner._Run(returncode=code, stopped=None, limit=10.0, output="")
    result = runner._death(run, None, Paths("/scratch", "exercises"), after_checks=True)
    assert (result.name, result.status) == ("(process exit)", "crash"), result
    assert " after the checks, while the process shut down.\nCommon causes: " in result.message, result.message
