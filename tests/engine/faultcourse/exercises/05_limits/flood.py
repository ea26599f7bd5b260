"""Fault: prints megabytes before answering (wrongly), or before crashing.

The crash is the process sending itself SIGSEGV: a read of address 0 through ctypes
faults on CPython but not on PyPy, whose ctypes checks the address."""

import os
import signal
import sys

LINE = "all work and no play makes Jack a dull boy " * 2 + "\n"


def chatter(megabytes):
    for _ in range(megabytes * 1024 * 1024 // len(LINE)):
        sys.stdout.write(LINE)
    return 41


def chatter_then_die(megabytes):
    chatter(megabytes)
    sys.stdout.flush()
    return os.kill(os.getpid(), signal.SIGSEGV)


def quiet():
    return "shh"
