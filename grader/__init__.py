"""The cffi-course grading engine.

Learner code never runs in this process: every grader runs in a child process
(see ``runner.py``), and the learner's files are graded from a scratch copy.
"""

__version__ = "1.0"
