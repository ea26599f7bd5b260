"""The names the engine and its grading child share, written once: the environment
variables the engine sets for the child (runner.py) and the child reads (child.py,
plugin.py), and the events the child writes (plugin.py) for the engine to read
(events.py).

An event is one JSON object per line of the file ``EVENTS`` names, flushed at once,
so that whatever kills the child the engine knows which check was running.
"""

from __future__ import annotations

# -- the environment -------------------------------------------------------------------

PREFIX = "GRADER_"  # the engine drops the user's own variables of that name before setting these
EVENTS = "GRADER_EVENTS"  # the file the child appends its events to
SCRATCH_TREE = "GRADER_SCRATCH_TREE"  # the scratch copy of the learner's tree
DISPLAY_TREE = "GRADER_DISPLAY_TREE"  # that tree as the learner names it, for messages
EXERCISE = "GRADER_EXERCISE"  # the exercise's id
FILES_KEY = "GRADER_FILES_KEY"  # digest of the learner's files (the build cache's key)
CACHE = "GRADER_CACHE"  # the cache folder, read-only to the child
BUILD_OUT = "GRADER_BUILD_OUT"  # where the child writes what it builds (the engine publishes it)
MEMORY = "GRADER_MEMORY"  # the child's address-space limit in bytes, 0 for none

# -- the events ------------------------------------------------------------------------

KIND = "e"  # every event: which one it is
TIME = "t"  # every event: time.time() when it was written
TEST = "id"  # the check's pytest node id (start, phase, result, callback_error)

COLLECTED = "collected"  # TESTS: the node ids of the checks, in order
COLLECT_ERROR = "collect_error"  # MESSAGE: the grader could not be loaded
START = "start"  # a check begins
PHASE = "phase"  # WHEN: SETUP (fixtures: building, importing the learner's code) or CALL
RESULT = "result"  # STATUS, MESSAGE, FAILURE: how the check ended
DONE = "done"  # EXIT_STATUS: pytest finished
WARNINGS = "warnings"  # ITEMS: the compiler's warnings about the learner's lines, after a build
CALLBACK_ERROR = "callback_error"  # TEXT: an exception a Python callback raised (cffi only prints it)

TESTS = "tests"
MESSAGE = "message"
WHEN = "when"
SETUP = "setup"
CALL = "call"
STATUS = "status"
FAILURE = "kind"  # results.TestResult.kind
EXIT_STATUS = "exitstatus"
ITEMS = "items"
TEXT = "text"
