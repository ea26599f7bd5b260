"""Run the steps of one lesson page in order, like a notebook (see test_lessons.py).

    python lesson_driver.py STEPS.json RESULT.json

The current folder is the page's fresh temporary folder. Python steps run in
this process and share one namespace; file steps write a file here; command
steps run ``python ...`` in a child process here. The first step that does not
do what the page says stops the run, and RESULT.json says which and why.

Kept free of pytest and of the course's own code: it runs in a clean interpreter.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import json
import os
import platform
import re
import subprocess
import sys
import traceback
from pathlib import Path

COMMAND_TIMEOUT = 120  # seconds for one `$ python ...` line of a console block

# The pages show CPython's output, and PyPy's cffi words many errors differently: on PyPy
# printed output is not compared. Exceptions are: a block marked `raises: Name; on PyPy:
# Other` expects Other there (`nothing`: no exception).
LOOSE = platform.python_implementation() == "PyPy"


def _expected_exception(step: dict) -> str | None:
    name = step.get("raises_pypy", step.get("raises")) if LOOSE else step.get("raises")
    return None if name == "nothing" else name


def normalise(line: str) -> str:
    """Whitespace runs become one space; backslashes become slashes (Windows paths)."""
    return " ".join(line.replace("\\", "/").split())


def missing_output(expected: list[str], actual: str) -> str | None:
    """None if each expected line matches a whole line of ``actual``, in order.

    Whitespace and path separators are normalised; ``...`` inside a line matches any text, and a
    line that is only ``...`` stands for any number of lines."""
    lines = [normalise(ln) for ln in actual.splitlines() if ln.strip()]
    pos = 0
    for want in expected:
        want = normalise(want)
        if not want or want == "...":
            continue
        pattern = re.compile(".*?".join(re.escape(part) for part in want.split("...")))
        hit = next((i for i in range(pos, len(lines)) if pattern.fullmatch(lines[i])), None)
        if hit is None:
            shown = actual.strip() or "(no output)"
            if len(shown) > 3000:
                shown = shown[:1500] + "\n[...]\n" + shown[-1500:]
            return f"expected the output line {want!r} (after the lines matched before it), got:\n{shown}"
        pos = hit + 1
    return None


def exception_matches(exc: BaseException, name: str) -> bool:
    return any(cls.__name__ == name for cls in type(exc).__mro__)


def run_python(step: dict, namespace: dict, page: str) -> str | None:
    # Pad with newlines so that tracebacks give the line number on the page.
    try:
        code = compile("\n" * step["first_line"] + step["code"], page, "exec")
    except SyntaxError as exc:
        return "is not valid Python:\n" + "".join(traceback.format_exception_only(type(exc), exc)).rstrip()
    out = io.StringIO()
    importlib.invalidate_caches()  # a module compiled by an earlier step must be importable
    raised = None
    try:
        with contextlib.redirect_stdout(out):
            exec(code, namespace)
    except BaseException as exc:  # SystemExit and KeyboardInterrupt from a block are failures too
        raised = exc
    printed = out.getvalue()
    expected_exc = _expected_exception(step)
    if raised is not None and not (expected_exc and exception_matches(raised, expected_exc)):
        tb = "".join(traceback.format_exception(type(raised), raised, raised.__traceback__.tb_next))
        return f"raised {type(raised).__name__}:\n{tb.rstrip()}" + (f"\nIt printed:\n{printed}" if printed else "")
    if expected_exc and raised is None:
        return f"was marked `<!-- raises: {expected_exc} -->` but raised nothing"
    if step.get("expect") is not None and not LOOSE:
        actual = printed
        if raised is not None:
            actual += "".join(traceback.format_exception_only(type(raised), raised))
        problem = missing_output(step["expect"], actual)
        if problem:
            return "printed something else than its output block shows: " + problem
    return None


def run_command(step: dict) -> str | None:
    argv = [sys.executable if i == 0 else arg for i, arg in enumerate(step["argv"])]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return f"`{step['command']}` was still running after {COMMAND_TIMEOUT} s"
    output = proc.stdout + proc.stderr
    expected_exc = _expected_exception(step)
    if expected_exc:
        pattern = re.compile(rf"^(?:[\w.]+\.)?{re.escape(expected_exc)}(?::|$)")
        if proc.returncode == 0 or not any(pattern.match(ln) for ln in output.splitlines()):
            return (
                f"`{step['command']}` was marked `<!-- raises: {expected_exc} -->` but exited "
                f"{proc.returncode} without that exception. Output:\n{output.strip()}"
            )
    elif proc.returncode != 0:
        return f"`{step['command']}` exited with status {proc.returncode}. Output:\n{output.strip()}"
    problem = None if LOOSE else missing_output(step.get("expect") or [], output)
    if problem:
        return f"`{step['command']}` " + problem
    return None


def write_file(step: dict) -> str | None:
    target = Path(step["name"])
    if target.is_absolute() or ".." in target.parts:
        return f"title={step['name']!r}: a block's file name must be a relative path inside the page's folder"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(step["code"], encoding="utf-8")
    return None


def _importable(module: str) -> bool:
    """Whether `import module` can find it (a block marked `needs: module` runs only then)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # a dotted name whose parent package is missing
        return False


def main(steps_path: str, result_path: str) -> int:
    data = json.loads(Path(steps_path).read_text(encoding="utf-8"))
    page = data["page"]
    sys.path.insert(0, os.getcwd())  # modules the page builds are importable, as in `python -c`
    namespace: dict = {"__name__": "__main__"}
    result: dict = {"failure": None, "ran": 0, "left_out": []}
    for step in data["steps"]:
        if step.get("needs") and not _importable(step["needs"]):
            result["left_out"].append([step["line"], step["needs"]])
            continue
        if step["kind"] == "python":
            problem = run_python(step, namespace, page)
        elif step["kind"] == "command":
            problem = run_command(step)
        else:
            problem = write_file(step)
        if problem:
            result["failure"] = {"line": step["line"], "what": step["what"], "message": problem}
            break
        result["ran"] += 1
    Path(result_path).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
