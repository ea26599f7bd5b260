"""Grader for 16_embedding/celsius: a function written in Python that C calls, and every way it fails.

celsius_build.py is run as a script and must make libcelsius.so (.dylib, .dll); the host,
celsius_host.c (given), loads it and calls parse_celsius(text, &value, error, size) for each
line of its input. An exception must never reach C as cffi's default (0, which C reads as
success): C gets -1, its value untouched, and "ExceptionName: message" in the error buffer.

The inputs: text float() refuses (letters, an empty line, a byte that is not UTF-8: a
UnicodeDecodeError, which a handler for ValueError alone also catches), values out of range
(below -273.15, nan, inf) and an exception the code does not foresee (out is NULL: cffi
raises RuntimeError on out[0] = ...), which only a handler for every exception (onerror=,
or except Exception) turns into a message. A buffer of 8 bytes: the message cut, then the
NUL, nothing past it. Where this machine cannot embed Python, every check is skipped.
"""

from __future__ import annotations

import re

import pytest

from grader.testing import build_embedding_library, cannot_embed, compile_host, run_host

REASON = cannot_embed()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")

UNTOUCHED = -999.5  # the host's value before each call
VALID = {"36.6": 36.6, "  -40 ": -40.0, "-273.15": -273.15, "1e2": 100.0}
BAD_TEXT = {"abc": "ValueError", "": "ValueError", "\udcff": "UnicodeDecodeError"}  # \udcff: the byte 0xff
OUT_OF_RANGE = ["-300", "-273.16", "nan", "inf", "-inf"]
NULL_OUT = "!12"  # out = NULL
SMALL = 8
LINES = [*VALID, *BAD_TEXT, *OUT_OF_RANGE, NULL_OUT]
RESULT = re.compile(r"^rc=(?P<rc>-?\d+) value=(?P<value>\S+) error=\[(?P<error>.*)\]$")


def _encode(line: str) -> bytes:
    return line.encode("utf-8", "surrogateescape") + b"\n"


@pytest.fixture(scope="module")
def runs(exercise, tmp_path_factory):
    work = tmp_path_factory.mktemp("celsius")
    library = build_embedding_library(
        exercise.path("celsius_build.py"), [exercise.path("celsius_build.py")], work / "build", "celsius", exercise.show
    )
    host = compile_host(exercise.path("celsius_host.c"), work / "host")
    stdin = b"".join(_encode(line) for line in LINES)
    builder = exercise.path("celsius_build.py")
    return {
        size: run_host(host, [str(library), str(size)], stdin, builder=builder, show=exercise.show)
        for size in (64, SMALL)
    }


def _results(runs, size: int) -> dict[str, tuple[int, float, str]]:
    proc = runs[size]
    if proc.returncode != 0:
        pytest.fail(
            f"celsius_host (error buffer of {size} bytes) exited with status {proc.returncode}; it "
            f"printed:\n{proc.shown}"
        )
    got = [m for m in map(RESULT.match, proc.stdout.splitlines()) if m]
    if len(got) != len(LINES):
        pytest.fail(f"celsius_host printed {len(got)} results for {len(LINES)} lines:\n{proc.shown}")
    return {line: (int(m["rc"]), float(m["value"]), m["error"]) for line, m in zip(LINES, got)}


def _call(line: str, size: int = 64) -> str:
    text = _encode(line)[:-1]
    if line == NULL_OUT:
        return f"parse_celsius({text[1:]!r}, NULL, error, {size})"
    return f"parse_celsius({text!r}, &value, error, {size})"


ANY_NAME = r"[A-Za-z_]\w*"


def _failure(runs, line, got, name=None):
    rc, value, error = got
    problems = []
    if rc != -1:
        problems.append(
            f"returned {rc}, expected -1"
            + (
                " (0 is cffi's default when an exception leaves a def_extern function: give error=-1)"
                if rc == 0
                else ""
            )
        )
    if value != UNTOUCHED:
        problems.append(f"changed value to {value!r}; on an error it must stay as it was")
    if not re.match(rf"^{re.escape(name) if name else ANY_NAME}: \S", error):
        problems.append(f'wrote {error!r} into error; expected "{name or "ExceptionName"}: <the message>"')
    if problems:
        pytest.fail(f"{_call(line)} " + "; ".join(problems) + ". The host printed:\n" + runs[64].shown)


def test_builder_makes_the_library(runs):
    """The fixture built libcelsius and the host: reaching here is the check."""


def test_valid_temperatures(runs):
    got = _results(runs, 64)
    for line, want in VALID.items():
        if got[line] != (0, want, ""):
            rc, value, error = got[line]
            pytest.fail(
                f"{_call(line)} returned {rc}, set value to {value!r} and wrote {error!r} into error; "
                f"expected 0, {want!r} and '' (an empty message: the NUL alone)."
            )


def test_text_that_is_not_a_number(runs):
    got = _results(runs, 64)
    for line, name in BAD_TEXT.items():
        _failure(runs, line, got[line], name)


def test_values_out_of_range(runs):
    got = _results(runs, 64)
    for line in OUT_OF_RANGE:
        _failure(runs, line, got[line], "ValueError")


def test_an_exception_nobody_foresaw(runs):
    got = _results(runs, 64)
    _failure(runs, NULL_OUT, got[NULL_OUT])


def test_message_cut_to_the_buffer(runs):
    got, full = _results(runs, SMALL), _results(runs, 64)
    for line, (rc, _, error) in got.items():
        want = full[line][2].encode("utf-8")[: SMALL - 1].decode("utf-8", "ignore")
        if (rc, error) != (full[line][0], want):
            pytest.fail(
                f"{_call(line, SMALL)} returned {rc} and wrote {error!r}; expected the same return value as "
                f"with 64 bytes and {want!r}: the message cut to {SMALL - 1} bytes, then the NUL."
            )
