"""memcheck (``python -m grader --memcheck``, ``nox -s memcheck``): the C of an
exercise built under AddressSanitizer, memory errors reported in plain words
at the learner's file and line; and a plain "not here, and why" elsewhere.

The fault course's ``06_memory/bugs`` holds three bugs that pass a normal
grade silently (a heap overflow in a ``sources=`` file, a use after free of
``ffi.new()`` memory, a read past an array in inline C) and one clean check.
"""

from __future__ import annotations

import json
import sys
import types

import pytest
from helpers import by_id, checks_of, run_grader, snapshot, tree_changes

from grader import sanitizer
from grader.paths import Paths


def _unsupported_reason() -> str | None:
    try:
        sanitizer.prepare()
    except sanitizer.Unsupported as exc:
        return str(exc)
    return None


REASON = _unsupported_reason()
needs_asan = pytest.mark.skipif(REASON is not None, reason=f"memcheck cannot run here: {REASON}")


# --- reading reports: runs everywhere -------------------------------------------------------

SCRATCH = "/cache/runs/abc/tree"
OVERFLOW = f"""=================================================================
==11428==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x60200000c575 at pc 0x7f6c bp 0x7ffd sp 0x7ffd
WRITE of size 6 at 0x60200000c575 thread T0
    #0 0x7f6cd3c48060 in __interceptor_memcpy ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:827
    #1 0x7f6cd3bf485a in dup_upper {SCRATCH}/10_memory/upper_build.py:21
    #2 0x7f6cd3bf4b68 in _cffi_f_dup_upper cffi-generated-wrappers.c:59
    #3 0x7f6cd37a6ee1 in cfunction_vectorcall_O Objects/methodobject.c:514

0x60200000c575 is located 0 bytes to the right of 5-byte region [0x60200000c570,0x60200000c575)
allocated by thread T0 here:
    #0 0x7f6cd3cb89cf in __interceptor_malloc ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:69
    #1 0x7f6cd3bf483b in dup_upper {SCRATCH}/10_memory/upper_build.py:19

SUMMARY: AddressSanitizer: heap-buffer-overflow in __interceptor_memcpy
"""
USE_AFTER_FREE = f"""==11431==ERROR: AddressSanitizer: heap-use-after-free on address 0x60e00003f150 at pc 0x7efd
READ of size 1 at 0x60e00003f150 thread T0
    #0 0x7efd1ced88bb in peek {SCRATCH}/10_memory/keep.c:14
    #1 0x7efd1ced8f32 in _cffi_f_peek cffi-generated-wrappers.c:97

0x60e00003f150 is located 48 bytes inside of 149-byte region [0x60e00003f120,0x60e00003f1b5)
freed by thread T0 here:
    #0 0x7efd1c8b76a8 in __interceptor_free ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:52
    #1 0x7efd1b97023d in cdata_dealloc (/venv/site-packages/_cffi_backend.cpython-311-x86_64-linux-gnu.so+0xf23d)
    #2 0x7efd1b9702af in cdataowning_dealloc (/venv/site-packages/_cffi_backend.so+0xf2af)

previously allocated by thread T0 here:
    #0 0x7efd1c8b83b7 in __interceptor_calloc ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:77
    #1 0x7efd1b973f1b in allocate_owning_object (/venv/site-packages/_cffi_backend.so+0x12f1b)
    #3 0x7efd1b974699 in direct_newp (/venv/site-packages/_cffi_backend.so+0x13699)

SUMMARY: AddressSanitizer: heap-use-after-free {SCRATCH}/10_memory/keep.c:14 in peek
"""
DOUBLE_FREE = f"""==2==ERROR: AddressSanitizer: attempting double-free on 0x602000000010 in thread T0:
    #0 0x7f in __interceptor_free ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:52
    #1 0x7f in widget_destroy {SCRATCH}/10_memory/widget.c:30

0x602000000010 is located 0 bytes inside of 16-byte region [0x602000000010,0x602000000020)
freed by thread T0 here:
    #0 0x7f in __interceptor_free ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:52
    #1 0x7f in widget_destroy {SCRATCH}/10_memory/widget.c:30
"""


def test_overflow_is_named_at_the_learners_line():
    text = sanitizer.explain(OVERFLOW, Paths(SCRATCH, "exercises"))
    assert "heap buffer overflow" in text, text
    assert "wrote" in text, text
    assert "The write of 6 bytes was just past the end of a 5-byte block." in text, text
    assert "Where: dup_upper() at exercises/10_memory/upper_build.py line 21" in text, text
    assert "allocated at: dup_upper() at exercises/10_memory/upper_build.py line 19" in text, text
    assert "strlen + 1" in text, text
    assert SCRATCH not in text, "scratch paths must be shown as the learner's paths"


def test_use_after_free_of_ffi_new_memory_blames_the_dead_owner():
    text = sanitizer.explain(USE_AFTER_FREE, Paths(SCRATCH, "exercises"))
    assert "use after free" in text, text
    assert "C read memory" in text, text
    assert "Where: peek() at exercises/10_memory/keep.c line 14" in text, text
    assert "Python object from ffi.new() that owned it had died" in text, text
    assert "allocated by ffi.new()" in text, text
    assert "Keep the object returned by ffi.new() referenced" in text, text


def test_double_free():
    text = sanitizer.explain(DOUBLE_FREE, Paths(SCRATCH, "participant"))
    assert "double free" in text, text
    assert "widget_destroy() at participant/10_memory/widget.c line 30" in text, text


def test_free_of_ffi_new_memory():
    report = (
        "==3==ERROR: AddressSanitizer: attempting free on address which was not malloc()-ed: 0x606 in thread T0\n"
        f"    #0 0x7f in __interceptor_free asan_malloc_linux.cpp:52\n    #1 0x7f in release {SCRATCH}/x.c:3\n"
    )
    text = sanitizer.explain(report, Paths(SCRATCH, "exercises"))
    assert "malloc() never gave out" in text, text
    assert "ffi.new()" in text, text
    assert "release() at exercises/x.c line 3" in text, text


READ_FROM_PYTHON = f"""==9==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000 at pc 0x7f bp 0x7f sp 0x7f
READ of size 3 at 0x602000 thread T0
    #0 0x7f1 in __interceptor_strlen ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:389
    #1 0x7f2 in b_string (/venv/site-packages/_cffi_backend.cpython-311-x86_64-linux-gnu.so+0x2b1e3)

0x602000 is located 0 bytes inside of 6-byte region [0x602000,0x602006)
freed by thread T0 here:
    #0 0x7f3 in __interceptor_free ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:52
    #1 0x7f4 in release {SCRATCH}/10_memory/upper_build.py:80
"""


def test_an_access_from_python_says_so_and_names_the_free():
    text = sanitizer.explain(READ_FROM_PYTHON, Paths(SCRATCH, "exercises"))
    assert "Where: in strlen(), not in your C: Python reached this memory through CFFI" in text, text
    assert "The block was freed at: release() at exercises/10_memory/upper_build.py line 80" in text, text


def test_a_build_shared_from_another_tree_still_names_the_learners_file(tmp_path):
    # The build cache is keyed by content: the module may have been compiled in another scratch folder.
    scratch = tmp_path / "runs" / "new" / "tree"
    (scratch / "10_memory").mkdir(parents=True)
    (scratch / "10_memory" / "upper_build.py").write_text("# the learner's builder\n")
    report = OVERFLOW.replace(SCRATCH, "/elsewhere/runs/old/tree")
    text = sanitizer.explain(report, Paths(str(scratch), "exercises"))
    assert "Where: dup_upper() at exercises/10_memory/upper_build.py line 21" in text, text
    # a file that is not in the learner's tree is not claimed as theirs
    assert "keep.c" not in sanitizer.explain(USE_AFTER_FREE.replace(SCRATCH, "/old"), Paths(str(scratch), "exercises"))


def test_an_unknown_report_still_says_something():
    text = sanitizer.explain("==1==ERROR: AddressSanitizer: new-kind-of-bug on address 0x1\n", Paths(SCRATCH, "x"))
    assert "new-kind-of-bug" in text, text


# --- where memcheck cannot run: the platform branches, faked ---------------------------------


@pytest.mark.parametrize(
    ("platform", "osname", "words"),
    [
        ("darwin", "posix", "macOS"),
        ("win32", "nt", "WSL"),
    ],
)
def test_unsupported_platforms_say_why_and_what_to_do(monkeypatch, platform, osname, words):
    monkeypatch.setattr(sanitizer.sys, "platform", platform)
    monkeypatch.setattr(sanitizer.os, "name", osname)
    with pytest.raises(sanitizer.Unsupported, match=words):
        sanitizer.prepare()


def test_pypy_is_refused_plainly(monkeypatch):
    monkeypatch.setattr(sanitizer.sys, "platform", "linux")
    monkeypatch.setattr(sanitizer.os, "name", "posix")
    monkeypatch.setattr(sanitizer.sys, "implementation", types.SimpleNamespace(name="pypy"))
    with pytest.raises(sanitizer.Unsupported, match="needs CPython; this is pypy"):
        sanitizer.prepare()


@pytest.mark.skipif(sys.platform == "win32", reason="runs a POSIX `true` as the compiler")
def test_a_compiler_without_the_runtime_is_named(monkeypatch):
    monkeypatch.setenv("CC", "true")  # answers -print-file-name with nothing
    with pytest.raises(sanitizer.Unsupported, match=r"no AddressSanitizer runtime.*CC=gcc"):
        sanitizer._runtime(sanitizer._compiler())


def test_memcheck_needs_a_selector(fault_course, engine_cache):
    proc = run_grader(fault_course, engine_cache, "--memcheck")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "memcheck checks what you name" in proc.stderr, proc.stderr


# --- the real thing, where the platform has it -----------------------------------------------


@pytest.fixture(scope="module")
def memcheck_grade(fault_course, engine_cache, tmp_path_factory):
    json_path = tmp_path_factory.mktemp("memcheck") / "report.json"
    before = snapshot(fault_course)
    proc = run_grader(
        fault_course, engine_cache, "06", "02_crash/assign", "--memcheck", "--json", str(json_path), timeout=300
    )
    return proc, json.loads(json_path.read_text(encoding="utf-8")), before


def test_the_bugs_pass_a_normal_grade(fault_grade):
    """Why memcheck exists: all three bugs go unnoticed without it."""
    entry = by_id(fault_grade.report)["06_memory/bugs"]
    assert entry["status"] == "pass", entry


@needs_asan
def test_memcheck_stops_each_bug_at_its_line(memcheck_grade):
    proc, report, _ = memcheck_grade
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report["memcheck"] is True
    checks = checks_of(by_id(report)["06_memory/bugs"])
    assert {n: t["status"] for n, t in checks.items()} == {
        "test_overflow_in_c_file": "crash",
        "test_use_after_free": "crash",
        "test_read_past_array": "crash",
        "test_clean": "pass",
    }, checks
    overflow = checks["test_overflow_in_c_file"]["message"]
    assert "heap buffer overflow" in overflow, overflow
    assert "exercises/06_memory/bugs.c line 11" in overflow, overflow
    assert "allocated at: copy_short() at exercises/06_memory/bugs.c line 9" in overflow, overflow
    uaf = checks["test_use_after_free"]["message"]
    assert "use after free" in uaf, uaf
    assert "first() at exercises/06_memory/bugs_build.py line 20" in uaf, uaf
    assert "ffi.new() that owned it had died" in uaf, uaf
    assert '"exercises/06_memory/bugs.py", line 8' in uaf, "faulthandler's Python line should be shown:\n" + uaf
    past = checks["test_read_past_array"]["message"]
    assert "read memory just outside" in past, past
    assert "bugs_build.py line 25" in past, past


@needs_asan
def test_memcheck_names_the_line_of_a_null_dereference(memcheck_grade):
    _, report, _ = memcheck_grade
    message = checks_of(by_id(report)["02_crash/assign"])["test_fill"]["message"]
    assert "AddressSanitizer found a write through a NULL pointer" in message, message
    assert "Where: fill() at exercises/02_crash/assign_build.py line 16\n    *(volatile int *)out = value;" in (
        message
    ), message
    # Python's own CFLAGS (-Wall) are kept under the sanitizer's: the compiler's warning is shown too
    assert "exercises/02_crash/assign_build.py:14:13: warning:" in message, message


@needs_asan
def test_memcheck_leaves_the_tree_alone(memcheck_grade, fault_course):
    _, _, before = memcheck_grade
    changes = tree_changes(before, snapshot(fault_course))
    assert not any(changes.values()), changes


@needs_asan
def test_memcheck_verdicts_are_kept_apart_from_normal_ones(memcheck_grade, fault_course, engine_cache, tmp_path):
    """A normal grade after a memcheck (same files, same cache) is not served the memcheck verdict."""
    proc = run_grader(fault_course, engine_cache, "06_memory/bugs", "--json", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["memcheck"] is False
    assert by_id(report)["06_memory/bugs"]["status"] == "pass", proc.stdout


NULL_WRITE = f"""==8973==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000 (pc 0x7f bp 0x7ffc sp 0x7ffc T0)
==8973==The signal is caused by a WRITE memory access.
==8973==Hint: address points to the zero page.
    #0 0x7f5 in fill {SCRATCH}/02_crash/assign_build.py:16
    #1 0x7f6 in _cffi_f_fill cffi-generated-wrappers.c:80

AddressSanitizer can not provide additional info.
"""


def test_a_null_dereference_is_named_at_the_learners_line():
    text = sanitizer.explain(NULL_WRITE, Paths(SCRATCH, "exercises"))
    assert "AddressSanitizer found a write through a NULL pointer" in text, text
    assert "Where: fill() at exercises/02_crash/assign_build.py line 16" in text, text
    # Without line information, the learner's function in their compiled module is still named
    # (not "not in your C", which is for accesses CFFI made on Python's behalf).
    bare = NULL_WRITE.replace(
        f"{SCRATCH}/02_crash/assign_build.py:16",
        "(/cache/builds/k/_assign_cffi.cpython-311-x86_64-linux-gnu.so+0x1159)",
    )
    text = sanitizer.explain(bare, Paths(SCRATCH, "exercises"))
    assert "Where: fill() in your compiled module" in text, text
    assert "not in your C" not in text


def test_a_signal_the_code_sent_itself_is_not_a_memory_access():
    sent = (
        NULL_WRITE.replace("0x000000000000", "0x000000007043")
        .replace("==8973==Hint: address points to the zero page.\n", "")
        .replace(
            f"#0 0x7f5 in fill {SCRATCH}/02_crash/assign_build.py:16",
            "#0 0x7f5 in __pthread_kill_implementation nptl/pthread_kill.c:44",
        )
    )
    assert sanitizer.signal_was_sent(sent)
    assert "through a NULL pointer" not in sanitizer.explain(sent, Paths(SCRATCH, "exercises")), "0x7043 is no NULL"
    assert not sanitizer.signal_was_sent(NULL_WRITE)
    assert "allow_user_segv_handler=0" in sanitizer.ASAN_OPTIONS, "faulthandler must not re-raise it first"
