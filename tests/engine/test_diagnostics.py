"""build.compiler_diagnostics on real-looking gcc/clang and MSVC output, and
runner._Output keeping a child's output small whatever it prints."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

from grader import build, runner

SCRATCH = Path("/tmp/cffi-course-cache/runs/123-abc/tree")
PATHS = build.Paths(SCRATCH, "exercises")

GCC = f"""\
{SCRATCH}/04_build/broken_build.py: In function ‘add’:
{SCRATCH}/04_build/broken_build.py:14:9: error: expected ‘,’ or ‘;’ before ‘return’
   14 |         return sum;
      |         ^~~~~~
{SCRATCH}/04_build/broken_build.py:12:13: warning: unused variable ‘x’ [-Wunused-variable]
   12 |         int x;
      |             ^
In file included from {SCRATCH}/04_build/broken_build.py:10:
cffi-generated-wrappers.c:54:10: error: implicit declaration of function ‘sub’ [-Wimplicit-function-declaration]
   54 |   return sub(x0, x1);
      |          ^~~
cffi-generated-wrappers.c:54:10: note: in expansion of macro
error: command '/usr/bin/gcc' failed with exit code 1
"""

MSVC = """\
_broken_cffi.c
C:\\Users\\ada\\course\\exercises\\04_build\\broken_build.py(14): error C2143: syntax error: missing ';' before 'return'
C:\\Users\\ada\\course\\exercises\\04_build\\broken_build.py(12) : warning C4101: 'x': unreferenced local variable
cffi-generated-wrappers.c(54): fatal error C1083: Cannot open include file: 'point.h': No such file or directory
cl : Command line warning D9002 : ignoring unknown option '-Wall'
error: command 'C:\\\\Program Files\\\\cl.exe' failed with exit code 2
"""


def test_gcc_errors_and_warnings():
    errors, warnings = build.compiler_diagnostics(GCC, PATHS)
    assert errors == [
        "exercises/04_build/broken_build.py:14:9: error: expected ‘,’ or ‘;’ before ‘return’\n"
        "   14 |         return sum;\n"
        "      |         ^~~~~~",
        "cffi-generated-wrappers.c:54:10: error: implicit declaration of function ‘sub’ "
        "[-Wimplicit-function-declaration]\n"
        "   54 |   return sub(x0, x1);\n"
        "      |          ^~~",
    ]
    assert warnings == [
        "exercises/04_build/broken_build.py:12:13: warning: unused variable ‘x’ [-Wunused-variable]\n"
        "   12 |         int x;\n"
        "      |             ^",
    ]
    assert str(SCRATCH) not in "".join(errors + warnings), "scratch paths are shown as the learner's"


def test_msvc_errors_and_warnings():
    errors, warnings = build.compiler_diagnostics(MSVC, PATHS)
    assert errors == [
        "C:\\Users\\ada\\course\\exercises\\04_build\\broken_build.py(14): error C2143: "
        "syntax error: missing ';' before 'return'",
        "cffi-generated-wrappers.c(54): fatal error C1083: Cannot open include file: 'point.h': "
        "No such file or directory",
    ]
    assert warnings == [
        "C:\\Users\\ada\\course\\exercises\\04_build\\broken_build.py(12) : warning C4101: "
        "'x': unreferenced local variable",
    ]


def test_at_most_three_errors():
    log = "".join(f"{SCRATCH}/a_build.py:{n}:1: error: number {n}\n" for n in range(1, 8))
    errors, warnings = build.compiler_diagnostics(log, PATHS)
    assert [e.split(": error: ")[1] for e in errors] == ["number 1", "number 2", "number 3"]
    assert warnings == []
    assert build.compiler_diagnostics("", PATHS) == ([], [])


def test_paths_show_the_learners_path():
    assert PATHS.show(f"{SCRATCH}/04_build/x.py:3") == "exercises/04_build/x.py:3"
    assert PATHS.show(f"File {SCRATCH}") == "File exercises"
    assert build.Paths(SCRATCH, "/home/ada/work/").show(f"{SCRATCH}/01/x.py") == "/home/ada/work/01/x.py"


# --- runner._Output -----------------------------------------------------------------------------


def _read_all(data: bytes) -> runner._Output:
    out = runner._Output(io.BytesIO(data))
    out.join(10)
    return out


def test_small_output_is_kept_whole():
    out = _read_all(b"hello\nworld\n")
    assert out.text() == "hello\nworld\n"
    assert out.total == 12


def test_large_output_keeps_head_and_tail():
    data = b"".join(b"line %07d\n" % i for i in range(200_000))  # 2.4 MB
    out = _read_all(data)
    text = out.text()
    assert out.total == len(data)
    assert text.startswith(data[: runner.OUTPUT_HEAD].decode())
    assert text.endswith(data[-runner.OUTPUT_TAIL :].decode())
    skipped = len(data) - runner.OUTPUT_HEAD - runner.OUTPUT_TAIL
    assert f"({skipped} bytes of output not kept)" in text
    assert len(text) < runner.OUTPUT_HEAD + runner.OUTPUT_TAIL + 100
    assert out.tail_size < runner.OUTPUT_TAIL + 70_000, "the tail kept in memory stays bounded"


def test_output_from_a_pipe_in_small_writes():
    read_fd, write_fd = os.pipe()
    lines = [b"%06d\n" % i for i in range(50_000)]

    def writer():
        with os.fdopen(write_fd, "wb", buffering=0) as w:
            for line in lines:
                w.write(line)

    thread = threading.Thread(target=writer)
    with os.fdopen(read_fd, "rb") as r:
        out = runner._Output(r)
        thread.start()
        thread.join(30)
        out.join(30)
    data = b"".join(lines)
    text = out.text()
    assert out.total == len(data)
    assert text.startswith(data[: runner.OUTPUT_HEAD].decode())
    assert text.endswith(data[-runner.OUTPUT_TAIL :].decode())


def test_output_cut_inside_a_character_still_decodes():
    data = ("é" * 20_000).encode()  # two bytes each: the cuts may fall inside one
    text = _read_all(data).text()
    assert "bytes of output not kept" in text
    assert len(text) < runner.OUTPUT_HEAD + runner.OUTPUT_TAIL
