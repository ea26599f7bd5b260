"""Fault: prints megabytes before answering (wrongly), or before crashing.

The crash is a read of address 0 on CPython; PyPy's ctypes does not fault there, so it sends itself SIGSEGV."""

import ctypes
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
    return ctypes.string_at(0) if sys.implementation.name != "pypy" else os.kill(os.getpid(), signal.SIGSEGV)


def quiet():
    return "shh"
