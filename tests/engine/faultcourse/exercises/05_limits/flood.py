"""Fault: prints megabytes before answering (wrongly), or before crashing."""

import ctypes
import sys

LINE = "all work and no play makes Jack a dull boy " * 2 + "\n"


def chatter(megabytes):
    for _ in range(megabytes * 1024 * 1024 // len(LINE)):
        sys.stdout.write(LINE)
    return 41


def chatter_then_die(megabytes):
    chatter(megabytes)
    sys.stdout.flush()
    return ctypes.string_at(0)  # reads address 0: a segfault


def quiet():
    return "shh"
