"""The cffi-course grading engine.

Learner code never runs in this process: every grader runs in a child process
(see ``runner.py``), and the learner's files are graded from a scratch copy.
"""

__version__ = "1.0"


def printable_output(streams=None) -> None:
    """Make the learner's tools print on any console: where stdout's encoding cannot
    write the report's marks (a Windows code page such as cp1252, when output goes to
    a pipe or a file), characters it cannot write become ``?`` instead of raising
    UnicodeEncodeError. A UTF-8 console is left as it is."""
    import sys

    for stream in streams if streams is not None else (sys.stdout, sys.stderr):
        try:
            "✓✗·—".encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            try:
                stream.reconfigure(errors="replace")  # type: ignore[union-attr]  # io.TextIOWrapper has it
            except (AttributeError, ValueError):
                pass
