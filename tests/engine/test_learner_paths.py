"""paths.Paths, the one mapping from the scratch copy a grade runs on to the paths the
learner knows, and the runner's words for a crash or a time-out that use it: made-up
paths and output, no process, no build."""

from __future__ import annotations

from grader import runner
from grader.paths import Paths

RUN = "/tmp/cffi-course-cache/runs/123-abc"
POSIX = Paths(f"{RUN}/tree", "exercises")
WIN_RUN = r"C:\Users\Ada Lovelace\AppData\Local\cffi-course\runs\123-abc"
WINDOWS = Paths(WIN_RUN + "\\tree", "exercises")


def test_a_path_in_the_scratch_tree_is_shown_as_the_learners():
    assert (
        POSIX.show(f"{RUN}/tree/07_structs/geometry.py:12:5: error: x")
        == "exercises/07_structs/geometry.py:12:5: error: x"
    )
    assert (
        POSIX.show(f'File "{RUN}/tree/07_structs/geometry.py", line 3')
        == 'File "exercises/07_structs/geometry.py", line 3'
    )
    assert POSIX.relative(f"{RUN}/tree/07_structs/geometry.py") == "07_structs/geometry.py"
    assert POSIX.shown("07_structs/geometry.py") == "exercises/07_structs/geometry.py"
    assert Paths(f"{RUN}/tree/", ".").show(f"{RUN}/tree/01_setup/hello.py") == "./01_setup/hello.py"
    whole = Paths(f"{RUN}/tree", "/home/ada/My Course/exercises/")
    assert whole.show(f"see {RUN}/tree/01_setup/hello.py.") == "see /home/ada/My Course/exercises/01_setup/hello.py."


def test_windows_separators_are_shown_as_slashes():
    # MSVC's "file(line)", a traceback, a repr's doubled backslashes, and the same folder with "/".
    msvc = WIN_RUN + r"\tree\07_structs\geometry.c(12): error C2065: 'n': undeclared identifier"
    assert WINDOWS.show(msvc) == "exercises/07_structs/geometry.c(12): error C2065: 'n': undeclared identifier"
    assert (
        WINDOWS.show(f'File "{WIN_RUN}\\tree\\07_structs\\geometry.py", line 4')
        == 'File "exercises/07_structs/geometry.py", line 4'
    )
    doubled = repr(WIN_RUN + r"\tree\07_structs\geometry.c")
    assert WINDOWS.show(f"No such file: {doubled}") == "No such file: 'exercises/07_structs/geometry.c'"
    assert (
        WINDOWS.show(WIN_RUN.replace("\\", "/") + "/tree/07_structs/geometry.py") == "exercises/07_structs/geometry.py"
    )
    assert WINDOWS.relative(WIN_RUN + r"\tree\07_structs\geometry.py") == "07_structs/geometry.py"


def test_a_path_outside_the_scratch_tree_is_left_alone():
    for text in (
        f"{RUN}/tree2/07_structs/geometry.py:3: error",  # a sibling whose name starts the same
        f"/elsewhere{RUN}/tree/07_structs/geometry.py",  # the same folders under another one
        "/usr/lib/python3/site-packages/cffi/api.py:12: warning",
    ):
        assert POSIX.show(text) == text
        assert not POSIX.mentions(text)
        assert POSIX.relative(text.split(":")[0]) is None
    assert Paths(".", "exercises").show("a.b . c") == "a.b . c", "no folder to map: nothing changes"


def test_the_build_folders_generated_c_is_not_the_learners(tmp_path):
    # cffi writes its C next to the build, in the run's out/ folder (or the cache's builds/),
    # not in the scratch tree: a diagnostic there stays cffi's, whatever files the tree holds.
    tree = tmp_path / "runs" / "1-a" / "tree"
    (tree / "07_structs").mkdir(parents=True)
    (tree / "07_structs" / "geometry.c").write_text("int area(void) { return 0; }\n", encoding="utf-8")
    paths = Paths(tree, "exercises")
    generated = tmp_path / "runs" / "1-a" / "out" / "builds" / "k1" / "_geometry_cffi.c"
    diagnostic = f"{generated}:40:5: warning: unused variable 'x'"
    assert paths.show(diagnostic) == diagnostic
    assert paths.relative(str(generated)) is None
    assert paths.relative_anywhere(str(generated)) is None
    assert paths.show("cffi-generated-wrappers.c:54:10: error") == "cffi-generated-wrappers.c:54:10: error"


def test_a_build_made_for_another_scratch_tree_names_this_trees_file(tmp_path):
    tree = tmp_path / "tree"
    (tree / "07_structs").mkdir(parents=True)
    (tree / "07_structs" / "geometry.c").write_text("int a;\n  return p->x;\n", encoding="utf-8")
    paths = Paths(tree, "exercises")
    other = "/tmp/cache/runs/999-old/tree/07_structs/geometry.c"  # in a cached build's debug information
    assert paths.relative(other) is None
    assert paths.relative_anywhere(other) == "07_structs/geometry.c"
    assert paths.relative_anywhere("/tmp/cache/runs/999-old/tree/07_structs/gone.c") is None
    assert paths.source("07_structs/geometry.c", 2) == "return p->x;"
    assert paths.source("07_structs/geometry.c", 9) == ""
    assert paths.source("07_structs/gone.c", 1) == ""


# A faulthandler dump and a traceback as a Windows child prints them.
WIN_OUTPUT = f"""\
Windows fatal exception: access violation

Current thread 0x00001a2c (most recent call first):
  File "{WIN_RUN}\\tree\\07_structs\\geometry.py", line 21 in area
  File "C:\\Python312\\Lib\\site-packages\\_pytest\\python.py", line 159 in pytest_pyfunc_call
hello from the learner
"""


def test_the_runners_crash_words_show_windows_paths_with_slashes():
    said, running = runner._crash_details(WIN_OUTPUT, WINDOWS)
    assert said == "", said  # an access violation: no words of the C library
    assert running == '"exercises/07_structs/geometry.py", line 21 in area', running
    assert runner._stuck_at(WIN_OUTPUT, WINDOWS) == "exercises/07_structs/geometry.py, line 21 in area()"
    shown = runner._learner_output(WIN_OUTPUT, WINDOWS)
    assert '  File "exercises/07_structs/geometry.py", line 21 in area' in shown.splitlines(), shown
    assert "hello from the learner" in shown
    assert "_pytest" not in shown
    assert WIN_RUN not in shown


def test_a_timed_out_line_is_shown_with_its_source(tmp_path):
    tree = tmp_path / "tree"
    (tree / "09_callbacks").mkdir(parents=True)
    (tree / "09_callbacks" / "sort.py").write_text("def f():\n    while True:\n        pass\n", encoding="utf-8")
    dump = f'Stack (most recent call first):\n  File "{tree}/09_callbacks/sort.py", line 2 in f\n'
    assert runner._stuck_at(dump, Paths(tree, "exercises")) == (
        "exercises/09_callbacks/sort.py, line 2 in f()\n    while True:"
    )
