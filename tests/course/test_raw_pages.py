"""The lesson pages read as they are, on GitHub or in an editor, not only on the site.

pymdownx.snippets can pull a file into a page when the site is built (a line
``--8<-- "path"`` inside a code block), but a page read raw then shows that line
instead of the code. So the pages hold a copy of the code, and an HTML comment
(invisible on GitHub and on the site) says where it comes from:

    <!-- copy of: lessons/includes/01-setup/gcd_build.py:cdef -->
    ```python
    ...the lines between [start:cdef] and [end:cdef] of that file...
    ```

A copy is of a whole file (``path``) or of a named section (``path:name``), as
snippets would include it. Usually it is the whole block. Where a block wraps the
copies in code of its own (a helper that writes files, say), the comment lists
them in order, ``copy of: a.h, a.c``, and each must appear in the block as it is.

The file is the one to edit: it is built, run or graded elsewhere, and these tests
fail while a page's copy differs from it. Then refresh the copies, which also turns
any ``--8<--`` line left in a page into a copy:

    python tests/course/test_raw_pages.py

(Copies inside a block of other code it cannot place: it names them, edit those
by hand.)
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import ROOT
from test_lessons import FENCE, MARKER, SNIPPET, expand_snippets, lesson_pages

COPY = re.compile(r"^<!--\s*copy of:\s*(?P<specs>[^>]*?)\s*-->$")
FIX = "python tests/course/test_raw_pages.py"


@dataclass
class Copy:
    specs: list[str]
    marker: int  # the comment's line, counted from 0
    start: int  # the opening fence's line
    end: int  # the closing fence's line
    indent: str


def _closing(lines: list[str], start: int) -> int:
    m = FENCE.match(lines[start])
    fence = m.group("fence")
    closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    end = start + 1
    while end < len(lines) and not closing.match(lines[end]):
        end += 1
    return end


def copies(lines: list[str]) -> tuple[list[Copy], list[str]]:
    """The copies a page holds, and comments that are not followed by a code block."""
    found, problems = [], []
    for n, line in enumerate(lines):
        m = COPY.match(line.strip())
        if not m:
            continue
        k = n + 1  # the block comes next; blank lines and a norun/raises marker may come between
        while k < len(lines) and (not lines[k].strip() or MARKER.match(lines[k].strip())):
            k += 1
        fence = FENCE.match(lines[k]) if k < len(lines) else None
        if not fence:
            problems.append(f"line {n + 1}: {line.strip()} is not followed by a code block")
            continue
        specs = [s.strip() for s in m.group("specs").split(",") if s.strip()]
        found.append(Copy(specs, n, k, _closing(lines, k), fence.group("indent")))
    return found, problems


def expected(spec: str, indent: str) -> list[str]:
    """What snippets would put in a block for ``--8<-- "spec"`` at that indent."""
    return expand_snippets(f'{indent}--8<-- "{spec}"', ROOT).splitlines()


def _find(body: list[str], run: list[str], after: int) -> int:
    for i in range(after, len(body) - len(run) + 1):
        if body[i : i + len(run)] == run:
            return i
    return -1


def check(page: Path) -> list[str]:
    """What is wrong with the copies of one page, each with its line."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found, problems = copies(lines)
    for n, line in enumerate(lines):
        if SNIPPET.match(line):
            problems.append(
                f"line {n + 1}: {line.strip()} shows as this line, not as the code, where the page "
                f"is read raw (on GitHub): put a copy there with `{FIX}`"
            )
    for c in found:
        body = lines[c.start + 1 : c.end]
        where = f"line {c.marker + 1} (copy of {', '.join(c.specs)})"
        try:
            runs = [expected(spec, c.indent) for spec in c.specs]
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if len(runs) == 1 and body == runs[0]:
            continue
        at = 0
        for spec, run in zip(c.specs, runs):
            at = _find(body, run, at) if len(runs) > 1 else -1
            if at < 0:
                problems.append(
                    f"{where}: the block differs from {spec}; edit the file, then refresh the page's "
                    f"copies with `{FIX}`"
                )
                break
            at += len(run)
    return problems


@pytest.mark.parametrize("page", lesson_pages(), ids=lambda p: p.name)
def test_every_copy_on_a_page_equals_its_file(page: Path):
    problems = check(page)
    assert not problems, f"{page.relative_to(ROOT).as_posix()}:\n  " + "\n  ".join(problems)


def test_the_check_catches_a_stale_copy_and_a_snippet_line(tmp_path: Path):
    page = tmp_path / "page.md"
    gcd = expected("lessons/includes/01-setup/gcd_build.py:cdef", "")
    good = ["<!-- copy of: lessons/includes/01-setup/gcd_build.py:cdef -->", "```python", *gcd, "```"]
    page.write_text("\n".join(good) + "\n", encoding="utf-8")
    assert check(page) == []
    stale = [*good[:2], *gcd[:-1], "    int gone(int);", "```"]
    page.write_text("\n".join(stale) + "\n", encoding="utf-8")
    assert any("differs from lessons/includes/01-setup/gcd_build.py:cdef" in p for p in check(page))
    page.write_text('```c\n--8<-- "exercises/01_setup/calc.py"\n```\n', encoding="utf-8")
    assert any("line 2:" in p and FIX in p for p in check(page))


def refreshed(text: str, name: str) -> tuple[str, list[str]]:
    """The page with snippet lines turned into copies and whole-block copies equal to their
    files, and what could not be done."""
    lines = text.splitlines()
    out: list[str] = []
    left: list[str] = []
    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            out.append(lines[i])
            i += 1
            continue
        end = _closing(lines, i)
        body = lines[i + 1 : end]
        specs = [m.group("spec") for m in map(SNIPPET.match, body) if m]
        indent = fence.group("indent")
        k = len(out) - 1  # where this block's comments start: above a norun/raises marker, if any
        while k >= 0 and (not out[k].strip() or MARKER.match(out[k].strip())):
            k -= 1
        old = COPY.match(out[k].strip()) if k >= 0 else None
        if specs:
            new_body = [
                x
                for ln in body
                for x in (expected(SNIPPET.match(ln).group("spec"), indent) if SNIPPET.match(ln) else [ln])
            ]
            if old:
                specs = [s.strip() for s in old.group("specs").split(",")] + specs
                del out[k]
            comment = f"{indent}<!-- copy of: {', '.join(specs)} -->"
            at = k + 1 if not old else k
            while at < len(out) and not out[at].strip():
                at += 1
            if at == k + 1 and k >= 0 and out[k].strip():
                out.insert(at, "")  # a comment right under a paragraph would belong to it
                at += 1
            out.insert(at, comment)
            if indent:  # in a box or a list item: its own paragraph, else it wraps the block in <p>
                out.insert(at + 1, "")
            body = new_body
        elif old:
            specs = [s.strip() for s in old.group("specs").split(",")]
            if len(specs) == 1:
                body = expected(specs[0], indent)
            elif any(_find(body, expected(s, indent), 0) < 0 for s in specs):
                left.append(f"{name} line {i + 1}: a copy among other code, edit it by hand")
        out.extend([lines[i], *body, *lines[end : end + 1]])
        i = end + 1
    return "\n".join(out) + "\n", left


def refresh(page: Path) -> list[str]:
    """Refresh one page in place (only if something changed); say what could not be done."""
    old = page.read_text(encoding="utf-8")
    new, left = refreshed(old, page.name)
    if new != old:
        page.write_text(new, encoding="utf-8", newline="\n")
        print(f"refreshed {page.relative_to(ROOT).as_posix()}")
    return left


if __name__ == "__main__":
    undone = [msg for page in lesson_pages() for msg in refresh(page)]
    print("\n".join(undone) or "every copy equals its file")
    sys.exit(1 if undone else 0)
