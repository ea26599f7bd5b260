"""Grader for 16_embedding/textstats: a C program calls two functions written in Python.

textstats_build.py is run as a script (`python textstats_build.py`) in a scratch folder and
must make libtextstats.so (.dylib, .dll) with ffibuilder.compile(target=...). The host,
textstats_host.c (given), is compiled with the machine's C compiler, loads that library with
dlopen and feeds it lines on standard input; the checks read what it prints and its exit status.

The inputs: runs of spaces and tabs around and between words, an empty line (no words), a
tie (the first longest word wins), a word longest in characters but not in bytes ("abcd"
against "ééé"), and a buffer of 6 bytes where the longest word needs more and the cut falls
inside a two-byte character (whole characters only, then the NUL; nothing written past it).
Where this machine cannot embed Python, every check is skipped with the reason.
"""

from __future__ import annotations

import pytest

from grader.testing import build_embedding_library, cannot_embed, compile_host, run_host

REASON = cannot_embed()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")

LINES = ["hello world", "  leading and\ttrailing  ", "", "ééé abcd", "one two six", "xy abcdéfg", "naïve café façade"]
SMALL = 6  # bytes of buffer for the second run


def expected(line: str, size: int) -> tuple[int, int, str]:
    words = line.split()
    word = max(words, key=len) if words else ""
    data = word.encode("utf-8")
    return len(words), len(data), data[: size - 1].decode("utf-8", "ignore")


@pytest.fixture(scope="module")
def runs(exercise, tmp_path_factory):
    work = tmp_path_factory.mktemp("textstats")
    library = build_embedding_library(
        exercise.path("textstats_build.py"),
        [exercise.path("textstats_build.py")],
        work / "build",
        "textstats",
        exercise.show,
    )
    host = compile_host(exercise.path("textstats_host.c"), work / "host")
    stdin = "".join(line + "\n" for line in LINES)
    builder = exercise.path("textstats_build.py")
    return {
        size: run_host(host, [str(library), str(size)], stdin, builder=builder, show=exercise.show)
        for size in (64, SMALL)
    }


def _results(proc, size: int) -> list[tuple[int, int, str]]:
    """(words, length, word) per line from the host's output; a failure if the host failed."""
    if proc.returncode != 0:
        pytest.fail(
            f"textstats_host (buffer of {size} bytes) exited with status {proc.returncode}; it printed:\n{proc.shown}"
        )
    lines = proc.stdout.splitlines()
    got = []
    for i in range(0, len(lines) - 1, 2):
        if not lines[i].startswith("words=") or not lines[i + 1].startswith("longest="):
            break
        length, _, rest = lines[i + 1][len("longest=") :].partition(" [")
        got.append((int(lines[i][len("words=") :]), int(length), rest[:-1]))
    if len(got) != len(LINES):
        pytest.fail(f"textstats_host printed {len(got)} results for {len(LINES)} lines:\n{proc.shown}")
    return got


def test_builder_makes_the_library(runs):
    """The fixture built libtextstats and the host: reaching here is the check."""


def test_count_words(runs):
    got = _results(runs[64], 64)
    for line, result in zip(LINES, got):
        want = expected(line, 64)[0]
        if result[0] != want:
            pytest.fail(
                f"count_words({line.encode()!r}) returned {result[0]}, expected {want} "
                "(words are separated by runs of spaces and tabs, as str.split() sees them)."
                + (
                    "\nIt returned 0 for every line: did Python start? The host printed:\n" + runs[64].shown
                    if all(r[0] == 0 for r in got)
                    else ""
                )
            )


def test_longest_word(runs):
    got = _results(runs[64], 64)
    for line, result in zip(LINES, got):
        _, length, word = expected(line, 64)
        if result[1:] != (length, word):
            pytest.fail(
                f"longest_word({line.encode()!r}, out, 64) returned {result[1]} and wrote {result[2]!r} into "
                f"out; expected {length} and {word!r} (the first of the longest words counted in "
                "characters; the return value is its length in UTF-8 bytes)."
            )


def test_longest_word_in_a_small_buffer(runs):
    got = _results(runs[SMALL], SMALL)
    for line, result in zip(LINES, got):
        _, length, word = expected(line, SMALL)
        if result[1:] != (length, word):
            pytest.fail(
                f"longest_word({line.encode()!r}, out, {SMALL}) returned {result[1]} and wrote {result[2]!r}; "
                f"expected {length} (the whole word's length in bytes, even when it does not fit) and "
                f"{word!r}: as many whole characters as fit in {SMALL - 1} bytes, then the NUL."
            )
