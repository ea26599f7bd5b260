"""Fault: ends the whole process, successfully, in the middle of a check."""

import os


def answer():
    os._exit(0)


def question():
    return "six by nine"
