"""Every code block of every lesson page runs, and does what the page says.

Each page (lessons/**/*.md, except lessons/includes/) is one test. Its blocks
run in page order in one fresh Python process (tests/course/lesson_driver.py)
whose current folder is a fresh temporary folder: whatever the examples build
or write lands there, never in the repository. The conventions for authors:

```python
    A python block runs. All python blocks of a page share one namespace, like
    the cells of a notebook, with ``__name__ == "__main__"``. What they print
    is not checked, unless the block is directly followed (nothing but blank
    lines between) by a ``text`` block: that is its expected output (give it
    ``title="Output"`` so readers see what it is).

```python title="name.py"
    A titled python block is not run: it is written to ``name.py`` in the
    page's folder, for later blocks or commands to use. So is a titled ``c``
    block (``title="main.c"``).

```console
    Each line starting with ``$ `` is a command; only ``python ...`` (or
    ``python3 ...``) commands run, with this interpreter, in the page's folder,
    and must exit 0. Any other command (pip, apt, brew, nox, gcc) needs a
    ``<!-- norun: reason -->`` marker before the block. The other lines are the
    expected output of the command above them.

Expected output (console lines, ``text`` output blocks): each line must match
a whole line of the actual output, in order, after whitespace is normalised
(and ``\\`` read as ``/``, so Windows paths match);
other output lines may come between. ``...`` inside a line matches any text;
a line that is just ``...`` stands for any lines.

Markers: an HTML comment on the line before the opening fence (blank lines may
come between):

    <!-- norun: reason -->     the block is not run; the reason is required.
    <!-- raises: Name -->      the block must raise an exception whose class (or
                               a base class) is called Name; the page goes on.
    <!-- raises: Name; on PyPy: Other -->   where PyPy's cffi raises another class
                               (or `nothing`): the page should say so in its text.
                               Its output block may show the exception's last
                               line. On a console block: the last command must
                               fail with that exception.
    <!-- needs: module -->     the block uses an optional module (numpy): it runs
                               where the module is importable and is left out
                               where it is not. The page's test then ends as a
                               skip naming the blocks and the module (every other
                               block ran and passed). pyproject.toml's test group
                               installs such modules, so a full run skips none.

Other languages (c, text, toml, mermaid, ...) are not run. Shell blocks (bash,
sh, shell, zsh, powershell, ps1, cmd, bat) are what a learner types in a
terminal: they need a norun marker.

Snippets: a line ``--8<-- "path"`` or ``--8<-- "path:name"`` inside a block is
replaced by that file (paths from the repository root, as in mkdocs.yml), or
by its section between ``--8<-- [start:name]`` and ``--8<-- [end:name]``. Pages
hold a copy instead, under ``<!-- copy of: path:name -->``, so that they read raw
too (test_raw_pages.py keeps the copies equal to their files).

A failure names the page, the block's line and what went wrong.

On PyPy the printed output is not compared (see LOOSE in lesson_driver.py): the
pages show CPython's wording. Everything else is checked as on CPython: every block
runs, and every `raises` block raises that exception (or its `on PyPy:` one).
"""

from __future__ import annotations

import json
import platform
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import ROOT

LESSONS = ROOT / "lessons"
DRIVER = Path(__file__).with_name("lesson_driver.py")
PAGE_TIMEOUT = 300  # seconds for all the blocks of one page
# Pages whose examples embed Python in a C program: where this Python cannot be embedded
# (no shared libpython; PyPy without libpypy3-c where cffi looks), they are skipped with the reason.
NEEDS_EMBEDDING = {"16-embedding.md"}
# Pages whose examples show Linux's linker and loader at work (an undefined symbol at import,
# a library outside the loader's path, an rpath): on macOS and Windows those blocks would do
# something else, which the page says in its text. There the page is skipped with the reason.
LINUX_ONLY = {
    "15-zlib.md": "its examples build against the system's zlib and show the Linux linker's and "
    "loader's errors (the page gives macOS's and Windows' in its text)"
}

PYTHON_LANGS = {"python", "py", "python3"}
C_LANGS = {"c", "h"}  # a titled C block is written to its file too (lesson 16 compiles one)
SHELL_LANGS = {"bash", "sh", "shell", "zsh", "powershell", "ps1", "pwsh", "cmd", "bat", "batch"}
PYTHON_COMMANDS = {"python", "python3"}

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
MARKER = re.compile(r"^<!--\s*(?P<kind>norun|raises|needs)\s*:(?P<arg>.*?)-->$")
MODULE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
# `raises: Name`, or `raises: Name; on PyPy: OtherName` / `...; on PyPy: nothing` where PyPy's cffi differs
RAISES = re.compile(r"\s*(?P<name>[A-Za-z_]\w*)\s*(?:;\s*on PyPy:\s*(?P<pypy>[A-Za-z_]\w*)\s*)?")
SNIPPET = re.compile(r'^(?P<indent>[ \t]*)-{1,}8<-{1,}[ \t]+"(?P<spec>[^"]+)"[ \t]*$')
SECTION = re.compile(r"-{1,}8<-{1,}\s*\[(?P<edge>start|end):(?P<name>[^\]]+)\]")


def lesson_pages() -> list[Path]:
    return sorted(p for p in LESSONS.rglob("*.md") if "includes" not in p.relative_to(LESSONS).parts)


@dataclass
class Block:
    lang: str
    title: str | None
    code: str
    line: int  # the opening fence's line, counted from 1
    marker: tuple[str, str] | None  # ("norun", reason) or ("raises", name)
    follows_block: bool  # only blank lines since the previous block's closing fence


def _info(info: str) -> tuple[str, str | None]:
    """(language, title) from a fence's info string: python title="x.py" hl_lines="2"."""
    words = info.strip().lstrip("{").split()
    lang = words[0].lstrip(".").lower() if words else ""
    title = re.search(r'title="([^"]*)"', info)
    return lang, title.group(1) if title else None


def parse(text: str) -> tuple[list[Block], list[str]]:
    """The fenced blocks of a page, and problems with its markers."""
    lines = text.splitlines()
    blocks: list[Block] = []
    problems: list[str] = []
    previous_close: int | None = None
    fence_lines: set[int] = set()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = m.group("indent"), m.group("fence")
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        if j == len(lines):
            problems.append(f"line {i + 1}: this code block is never closed")
        body = [ln[len(indent) :] if ln.startswith(indent) else ln.lstrip() for ln in lines[i + 1 : j]]
        k = i - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        marker = MARKER.match(lines[k].strip()) if k >= 0 else None
        lang, title = _info(m.group("info"))
        follows = (
            previous_close is not None
            and marker is None
            and all(not ln.strip() for ln in lines[previous_close + 1 : i])
        )
        blocks.append(
            Block(
                lang,
                title,
                "\n".join(body) + "\n",
                i + 1,
                (marker.group("kind"), marker.group("arg").strip()) if marker else None,
                follows,
            )
        )
        fence_lines.add(i)
        previous_close = j
        i = j + 1
    for n, line in enumerate(lines):
        if MARKER.match(line.strip()):
            k = n + 1
            while k < len(lines) and not lines[k].strip():
                k += 1
            if k not in fence_lines:
                problems.append(f"line {n + 1}: the marker {line.strip()} is not followed by a code block")
    return blocks, problems


def expand_snippets(code: str, base: Path) -> str:
    """Replace ``--8<-- "path"`` / ``--8<-- "path:section"`` lines, as pymdownx.snippets does."""
    out = []
    for line in code.splitlines():
        m = SNIPPET.match(line)
        if not m:
            out.append(line)
            continue
        path, _, section = m.group("spec").partition(":")
        source = base / path
        if not source.is_file():
            raise ValueError(f"snippet {m.group('spec')!r}: there is no file {path}")
        included = source.read_text(encoding="utf-8").splitlines()
        if section:
            edges = [n for n, ln in enumerate(included) if (s := SECTION.search(ln)) and s.group("name") == section]
            if len(edges) != 2:
                raise ValueError(
                    f"snippet {m.group('spec')!r}: {path} has no section [start:{section}] ... [end:{section}]"
                )
            included = included[edges[0] + 1 : edges[1]]
        out.extend(m.group("indent") + ln if ln.strip() else "" for ln in included if not SECTION.search(ln))
    return "\n".join(out) + "\n"


def _console_steps(block: Block, code: str) -> tuple[list[dict], list[str]]:
    steps: list[dict] = []
    problems: list[str] = []
    for n, raw in enumerate(code.splitlines()):
        line = block.line + 1 + n
        if raw.startswith("$ "):
            command = raw[2:].strip()
            try:
                argv = shlex.split(command)
            except ValueError as exc:
                problems.append(f"line {line}: cannot split the command {command!r}: {exc}")
                continue
            if not argv or argv[0] not in PYTHON_COMMANDS:
                problems.append(
                    f"line {line}: `{command}` is not a python command, so it cannot run here. Put "
                    "`<!-- norun: reason -->` on the line before the block (or move python commands "
                    "to a console block of their own)."
                )
                continue
            steps.append(
                {"kind": "command", "line": line, "what": "console", "command": command, "argv": argv, "expect": []}
            )
        elif steps:
            steps[-1]["expect"].append(raw)
        elif raw.strip():
            problems.append(f"line {line}: output before the first `$ ` command")
    if not steps and not problems:
        problems.append(f"line {block.line}: a console block with no `$ ` command; mark it norun or use `text`")
    if block.marker and block.marker[0] == "raises" and steps:
        hit = RAISES.fullmatch(block.marker[1])
        if hit:
            steps[-1]["raises"] = hit["name"]
            steps[-1]["raises_pypy"] = hit["pypy"] or hit["name"]
        else:
            problems.append(f"line {block.line}: `<!-- raises: {block.marker[1]} -->` must name one exception class")
    return steps, problems


def plan(blocks: list[Block], base: Path) -> tuple[list[dict], list[str]]:
    """The steps the driver runs, and the problems that stop the page before it runs."""
    steps: list[dict] = []
    problems: list[str] = []
    consumed: set[int] = set()
    for idx, block in enumerate(blocks):
        if idx in consumed:
            continue
        where = f"line {block.line}"
        kind, arg = block.marker or ("", "")
        if kind == "norun":
            if not arg:
                problems.append(f"{where}: `<!-- norun: -->` needs a reason after the colon")
            continue
        raises = raises_pypy = needs = None
        if kind == "needs":
            if not MODULE.fullmatch(arg):
                problems.append(f"{where}: `<!-- needs: {arg} -->` must name one module, as in `import` (numpy)")
                continue
            needs = arg
        if kind == "raises":
            hit = RAISES.fullmatch(arg)
            if not hit:
                problems.append(
                    f"{where}: `<!-- raises: {arg} -->` must name one exception class (and, for "
                    "PyPy, `; on PyPy: OtherName` or `; on PyPy: nothing`)"
                )
                continue
            raises, raises_pypy = hit["name"], hit["pypy"] or hit["name"]
        try:
            code = expand_snippets(block.code, base)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if block.lang in PYTHON_LANGS | C_LANGS and block.title:
            if kind == "raises":
                problems.append(f"{where}: a titled block is written to a file, not run: it cannot be marked raises")
            steps.append(
                {
                    "kind": "file",
                    "line": block.line,
                    "what": f"{block.lang} title={block.title!r}",
                    "name": block.title,
                    "code": code,
                    "needs": needs,
                }
            )
        elif block.lang in PYTHON_LANGS:
            step = {
                "kind": "python",
                "line": block.line,
                "what": "python",
                "first_line": block.line,
                "code": code,
                "raises": raises,
                "raises_pypy": raises_pypy,
                "expect": None,
                "needs": needs,
            }
            nxt = blocks[idx + 1] if idx + 1 < len(blocks) else None
            if nxt is not None and nxt.follows_block and nxt.lang == "text":
                step["expect"] = nxt.code.splitlines()
                consumed.add(idx + 1)
            steps.append(step)
        elif block.lang == "console":
            more, trouble = _console_steps(block, code)
            steps += [{**step, "needs": needs} for step in more]
            problems += trouble
        elif block.lang in SHELL_LANGS:
            problems.append(
                f"{where}: a {block.lang} block is a command for the learner's terminal and cannot run here: "
                "put `<!-- norun: reason -->` on the line before it"
            )
        elif kind in ("raises", "needs"):
            problems.append(f"{where}: a {block.lang or 'plain'} block is not run: it cannot be marked {kind}")
    return steps, problems


def check_page(text: str, name: str, work: Path, base: Path = ROOT, left_out: list | None = None) -> str | None:
    """Run one page's blocks in ``work``; None if all is well, else what went wrong.

    ``left_out`` (a list) receives ``(line, module)`` for each block not run because the
    module its `needs` marker names is not importable."""
    blocks, problems = parse(text)
    steps, more = plan(blocks, base)
    problems += more
    if problems:
        return f"{name}:\n" + "\n".join(f"  {p}" for p in problems)
    if not steps:
        return None
    driver_dir = work / "driver"
    page_dir = work / "page"
    driver_dir.mkdir(parents=True)
    page_dir.mkdir()
    steps_file = driver_dir / "steps.json"
    result_file = driver_dir / "result.json"
    steps_file.write_text(json.dumps({"page": name, "steps": steps}), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(DRIVER), str(steps_file), str(result_file)],
        cwd=page_dir,
        capture_output=True,
        text=True,
        timeout=PAGE_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0 or not result_file.is_file():
        return (
            f"{name}: the block runner died (exit {proc.returncode}); a block may have ended the "
            f"process.\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    result = json.loads(result_file.read_text(encoding="utf-8"))
    if left_out is not None:
        left_out += [tuple(item) for item in result.get("left_out", [])]
    failure = result["failure"]
    if failure:
        return f"{name}, {failure['what']} block at line {failure['line']}: {failure['message']}"
    return None


def _repo_files() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in [*ROOT.iterdir(), *LESSONS.rglob("*")]}


@pytest.mark.parametrize("page", lesson_pages(), ids=lambda p: p.relative_to(LESSONS).as_posix())
def test_lesson_code_blocks_run(page, tmp_path):
    if page.name in NEEDS_EMBEDDING:
        from grader.embedding import cannot_embed

        reason = cannot_embed()
        if reason:
            pytest.skip(f"cannot embed Python here: {reason}")
        if shutil.which("cc") is None:
            pytest.skip("the page's examples compile with `cc`, which this machine does not have")
    if page.name in LINUX_ONLY and not sys.platform.startswith("linux"):
        pytest.skip(f"{page.name} runs on Linux only: {LINUX_ONLY[page.name]}")
    before = _repo_files()
    name = page.relative_to(ROOT).as_posix()
    left_out: list = []
    problem = check_page(page.read_text(encoding="utf-8"), name, tmp_path, left_out=left_out)
    if problem:
        pytest.fail(problem, pytrace=False)
    added = sorted(_repo_files() - before)
    assert not added, f"running the blocks of {name} wrote into the repository: {added}"
    if left_out:
        modules = sorted({module for _, module in left_out})
        pytest.skip(
            f"{name}: every other block ran and passed, but the blocks at lines "
            f"{', '.join(str(line) for line, _ in left_out)} need {', '.join(modules)}, which "
            f"{sys.executable} cannot import (pyproject.toml's test group installs it)"
        )


def test_there_are_lesson_pages():
    assert any(p.name != "index.md" for p in lesson_pages()), f"no lesson pages found in {LESSONS}"


# --- the runner's own checks: a block that does not do what the page says must fail ------------

GOOD_PAGE = """
# A page

```python
x = 6 * 7
```

Some prose.

```python
print(x)
print("done")
```

```text title="Output"
42
...
```

```python title="helper.py"
def double(n):
    return 2 * n
```

```console
$ python -c "import helper; print(helper.double(21))"
42
```

<!-- raises: ZeroDivisionError -->
```python
print("before")
1 / 0
```

```text
before
ZeroDivisionError: ... by zero
```

<!-- norun: needs a package index -->
```console
$ pip install something
```

<!-- raises: KeyError -->
```console
$ python -c "{}['missing']"
KeyError: 'missing'
```

```python
--8<-- "snippet.py:part"
print(y)
```

```text
3
```

```c
int not_run(void);
```
"""

SNIPPET_FILE = """\
y = 0
# --8<-- [start:part]
y = 3
# --8<-- [end:part]
"""


def _check(text: str, tmp_path: Path) -> str | None:
    (tmp_path / "base").mkdir(exist_ok=True)
    (tmp_path / "base" / "snippet.py").write_text(SNIPPET_FILE, encoding="utf-8")
    return check_page(textwrap.dedent(text), "page.md", tmp_path / "work", base=tmp_path / "base")


def test_runner_passes_a_correct_page(tmp_path):
    assert _check(GOOD_PAGE, tmp_path) is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("x = 6 * 7", "x = 6 * y"), "NameError"),
        (("x = 6 * 7", "x = (6 * 7"), "not valid Python"),
        (("42\n...\n```", "43\n...\n```"), "'43'"),
        (("1 / 0", "1 / 1"), "raised nothing"),
        (("<!-- norun: needs a package index -->\n", ""), "not a python command"),
        (("<!-- norun: needs a package index -->", "<!-- norun: -->"), "needs a reason"),
        (("['missing']", ".get('missing')"), "without that exception"),
        (("snippet.py:part", "snippet.py:nopart"), "no section"),
        (("```c\nint", "```bash\nint"), "norun"),
        (("print(helper.double(21))", "print(helper.double(20))"), "'42'"),
        (
            ("<!-- raises: ZeroDivisionError -->", "<!-- raises: ZeroDivisionError or KeyError -->"),
            "must name one exception class",
        ),
    ],
    ids=[
        "error",
        "syntax",
        "output",
        "no-raise",
        "unmarked-pip",
        "empty-reason",
        "console-raises",
        "snippet",
        "bash",
        "console-output",
        "raises-two-names",
    ],
)
def test_runner_fails_a_broken_page(tmp_path, change, expected):
    old, new = change
    if platform.python_implementation() == "PyPy" and expected in ("'43'", "'42'"):
        pytest.skip("on PyPy printed output is not compared: the pages show CPython's wording")
    assert old in GOOD_PAGE
    problem = _check(GOOD_PAGE.replace(old, new, 1), tmp_path)
    assert problem is not None, "the broken page passed"
    assert expected in problem, problem
    assert "line " in problem, problem


def test_a_pypy_exception_is_named_in_the_marker(tmp_path):
    """`raises: Name; on PyPy: Other` is checked as Name on CPython and as Other on PyPy."""
    marked = GOOD_PAGE.replace(
        "<!-- raises: ZeroDivisionError -->", "<!-- raises: ZeroDivisionError; on PyPy: nothing -->"
    )
    assert marked != GOOD_PAGE
    problem = _check(marked, tmp_path)
    if platform.python_implementation() == "PyPy":
        assert problem is not None, problem  # PyPy was promised no exception
        assert "ZeroDivisionError" in problem, problem
    else:
        assert problem is None, problem


NEEDS_PAGE = """
# A page with optional modules

<!-- needs: json -->
```python
import json
print(json.dumps([1, 2]))
```

```text
[1, 2]
```

<!-- needs: no_such_module_for_the_lesson_runner -->
```python
import no_such_module_for_the_lesson_runner
1 / 0
```

<!-- needs: no_such_module_for_the_lesson_runner -->
```console
$ python -c "import no_such_module_for_the_lesson_runner"
```

```python
print("after")
```

```text
after
```
"""


def test_a_block_that_needs_a_missing_module_is_left_out_and_said(tmp_path):
    """`<!-- needs: module -->`: the block runs where the module is importable (a broken one
    fails the page), and is left out, with its line, where it is not."""
    left_out: list = []
    problem = check_page(textwrap.dedent(NEEDS_PAGE), "page.md", tmp_path / "a", left_out=left_out)
    assert problem is None, problem
    assert left_out == [(15, "no_such_module_for_the_lesson_runner"), (22, "no_such_module_for_the_lesson_runner")]
    broken = NEEDS_PAGE.replace("print(json.dumps([1, 2]))", "print(json.dumps([1, 2])); 1 / 0")
    problem = check_page(textwrap.dedent(broken), "page.md", tmp_path / "b")
    assert problem is not None, problem
    assert "ZeroDivisionError" in problem, problem
    assert "line 5" in problem, problem
    problem = check_page(NEEDS_PAGE.replace("needs: json", "needs: json or numpy"), "page.md", tmp_path / "c")
    assert problem is not None, problem
    assert "must name one module" in problem, problem
