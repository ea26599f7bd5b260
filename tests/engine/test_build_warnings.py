"""The compiler's warnings kept for a crash or a failure: those about the learner's own lines,
including a warning in cffi's glue that gcc's note ties to the learner's declaration."""

from __future__ import annotations

from pathlib import Path

from grader import build

PATHS = build.Paths(Path("/scratch/tree"), "exercises")
GLUE = f"""{build.GENERATED}:14:16: warning: passing argument 1 of 'first' makes integer from pointer without a cast [-Wint-conversion]
   14 |   return first(x0);
      |                ^~
/scratch/tree/04_x/mis_build.py:10:19: note: expected 'int' but argument is of type 'int *'
   10 |     int first(int xs) {{
      |               ~~~~^~
{build.GENERATED}:37:20: warning: passing argument 1 of 'first' makes integer from pointer without a cast [-Wint-conversion]
/scratch/tree/04_x/mis_build.py:10:19: note: expected 'int' but argument is of type 'int *'
   10 |     int first(int xs) {{
      |               ~~~~^~
{build.GENERATED}:50:3: warning: unused variable 'x' [-Wunused-variable]
/usr/include/python3.11/object.h:1:1: note: something about Python's headers
"""


def test_a_glue_warning_noted_at_the_learners_declaration_is_theirs():
    _, warnings = build.compiler_diagnostics(GLUE, PATHS, max_errors=50)
    assert len(warnings) == 3
    assert "exercises/04_x/mis_build.py:10:19: note: expected 'int'" in warnings[0]
    assert build.is_learners(warnings[0], PATHS)
    assert not build.is_learners(warnings[2], PATHS), "a glue warning with no note at the learner's file"
    explained = build._explain_glue_warnings(warnings, PATHS)
    assert len(explained) == 2, "the second call of the same function in the glue is the same warning"
    assert explained[0].endswith("cdef() and your C disagree on this type.)")


def test_warnings_at_the_learners_lines_are_theirs():
    log = (
        "/scratch/tree/02_crash/assign_build.py:14:13: warning: suggest parentheses around assignment "
        "used as truth value [-Wparentheses]\n   14 |         if (out = NULL)\n      |             ^~~\n"
    )
    _, warnings = build.compiler_diagnostics(log, PATHS)
    assert warnings == [
        "exercises/02_crash/assign_build.py:14:13: warning: suggest parentheses around "
        "assignment used as truth value [-Wparentheses]\n   14 |         if (out = NULL)\n"
        "      |             ^~~"
    ]
    assert build.is_learners(warnings[0], PATHS)
