"""Grader for 17_shipping/stubs: a .pyi stub for a compiled module, checked by mypy and against the module.

stubs_build.py (given) compiles _stubs_cffi; the learner writes _stubs_cffi.pyi. Two kinds of
checks. mypy, run once on two files that import the module through the stub: correct calls
(each must be accepted) and wrong calls, one a line (each must be rejected: every one of them
raises at run time, or uses a result as what it is not). And the stub against the module
itself: every name of lib declared, none that lib lacks, each function with the number of
arguments C takes. mypy.stubtest cannot do the second job: it sees lib as one variable of
type _cffi_backend.Lib and never looks inside.

mypy is not in the learner's first grading install: where it is missing, every check is
skipped with the command that installs it.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys

import pytest

STUB = "_stubs_cffi.pyi"
INSTALL = f"{sys.executable} -m pip install mypy types-cffi"


def _cannot_run_mypy() -> str | None:
    """Why mypy cannot check stubs here (not installed, or installed but broken), or None."""
    if importlib.util.find_spec("mypy") is None:
        return (
            "mypy is not installed here: grade it with `nox -s grade -- 17`, which installs lesson 17's tools, "
            f"or run `{INSTALL}`, then grade again"
        )
    proc = subprocess.run([sys.executable, "-m", "mypy", "--version"], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        last = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["(nothing)"]
        return (
            f"mypy is installed but does not run with {sys.executable} ({last[0]}): "
            f"reinstall it with `{INSTALL}`, or grade with another Python"
        )
    return None


REASON = _cannot_run_mypy()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")

HEADER = "from _stubs_cffi import ffi, lib\n"
# Calls that work at run time: mypy must accept each one.
GOOD = [
    "n: int = lib.clamp(15, 0, 10)",
    "m: float = lib.mean(ffi.new('double[]', [1.5, 2.5]), 2)",
    "m2: float = lib.mean([1.0, 2.0, 4.0], 3)",
    "k: int = lib.count_char(b'banana', b'a')",
    "k2: int = lib.count_char(ffi.new('char[]', b'banana'), b'n')",
    "lib.reset()",
    "size: int = lib.MAX_LABEL + 1",
]
# Wrong calls, with what happens at run time: mypy must reject each one.
BAD = {
    "lib.clamp(5, 0)": "TypeError: C's clamp() takes 3 arguments",
    "lib.clamp(value=5, low=0, high=10)": "TypeError: lib's functions take no keyword arguments",
    "lib.clamp(1.5, 0, 2)": "TypeError: an int argument takes no float",
    "lib.count_char('banana', b'a')": "TypeError: a char * takes bytes, not str",
    "lib.count_char(b'banana', 97)": "TypeError: a char takes bytes of length 1, not int",
    "lib.clamp(5, 0, 10).upper()": "AttributeError: clamp() returns an int",
    "lib.mean([1.0], 1).bit_length()": "AttributeError: mean() returns a float",
    "lib.reset() + 1": "TypeError: reset() returns None",
    "lib.MAX_LABEL.upper()": "AttributeError: MAX_LABEL is an int",
    "lib.no_such_function()": "AttributeError: lib has no such function",
}
ERROR = re.compile(r"^(?P<file>good|bad)\.py:(?P<line>\d+): error: (?P<text>.*)$")


@pytest.fixture(scope="module")
def mypy_errors(exercise, tmp_path_factory):
    """mypy's errors on good.py and bad.py, by file and line: one run for every check."""
    work = tmp_path_factory.mktemp("mypy")
    (work / STUB).write_bytes(exercise.path(STUB).read_bytes())
    (work / "good.py").write_text(HEADER + "".join(line + "\n" for line in GOOD))
    (work / "bad.py").write_text(HEADER + "".join(line + "\n" for line in BAD))
    # Without types-cffi, cffi has no types: FFI is then Any, not an error.
    (work / "mypy.ini").write_text("[mypy]\n[mypy-cffi.*]\nignore_missing_imports = True\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            "mypy.ini",
            "--cache-dir",
            str(work / "cache"),
            "--no-error-summary",
            "--hide-error-context",
            "--no-color-output",
            "good.py",
            "bad.py",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    errors: dict[tuple[str, int], list[str]] = {}
    for line in proc.stdout.splitlines():
        if m := ERROR.match(line):
            errors.setdefault((m["file"], int(m["line"])), []).append(m["text"])
    stub_errors = [line for line in proc.stdout.splitlines() if line.startswith(STUB)]
    if stub_errors or (proc.returncode not in (0, 1)) or (proc.returncode == 1 and not errors):
        pytest.fail(
            f"mypy found errors in {exercise.show(STUB)} itself (fix them first):\n"
            + "\n".join(stub_errors or [proc.stdout + proc.stderr])
        )
    return errors


@pytest.mark.parametrize("call", GOOD)
def test_mypy_accepts_correct_call(mypy_errors, call):
    line = GOOD.index(call) + 2
    if found := mypy_errors.get(("good", line)):
        pytest.fail(f"mypy rejected `{call}`, which works at run time. mypy said: " + "; ".join(found))


@pytest.mark.parametrize("call", list(BAD))
def test_mypy_rejects_wrong_call(mypy_errors, call):
    line = list(BAD).index(call) + 2
    if not mypy_errors.get(("bad", line)):
        pytest.fail(
            f"mypy accepted `{call}`, which fails at run time ({BAD[call]}): expected {STUB} to make mypy report it"
        )


def _declared_lib(tree: ast.Module) -> tuple[str, dict[str, ast.AST]] | None:
    """The class the stub gives lib (``lib: _Lib`` and ``class _Lib``, or ``class lib``), and its members."""
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    name = None
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "lib":
            name = ast.unparse(node.annotation)
    if name is None and "lib" in classes:
        name = "lib"
    if name not in classes:
        return None
    members: dict[str, ast.AST] = {}
    for node in classes[name].body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            members[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            members[node.target.id] = node
        elif isinstance(node, ast.Assign):
            members.update((t.id, node) for t in node.targets if isinstance(t, ast.Name))
    return name, members


def _positional(function: ast.FunctionDef) -> int | None:
    """How many arguments a call passes (self left out), or None if it takes *args."""
    args = function.args
    if args.vararg is not None:
        return None
    count = len(args.posonlyargs) + len(args.args)
    static = any(ast.unparse(d) == "staticmethod" for d in function.decorator_list)
    return count if static else count - 1


def test_stub_matches_module(exercise):
    built = exercise.build_module("stubs_build.py")
    try:
        tree = ast.parse(exercise.read(STUB), filename=exercise.show(STUB))
    except SyntaxError as exc:
        pytest.fail(f"{exercise.show(STUB)}, line {exc.lineno}: {exc.msg}")
    if not any(isinstance(n, ast.AnnAssign) and ast.unparse(n.target) == "ffi" for n in tree.body):
        pytest.fail(f"{exercise.show(STUB)} does not declare ffi: expected `ffi: FFI` (from cffi import FFI)")
    found = _declared_lib(tree)
    if found is None:
        pytest.fail(
            f"{exercise.show(STUB)} gives lib no class of its own: expected `lib: _Lib` and a "
            "`class _Lib:` that declares each of lib's names"
        )
    cls, members = found
    names = set(dir(built.lib))
    problems = [f"{name} is in lib but not in class {cls}" for name in sorted(names - set(members))]
    problems += [
        f"class {cls} declares {name}, which lib does not have"
        for name in sorted(set(members) - names)
        if not name.startswith("__")
    ]
    for name in sorted(names & set(members)):
        value = getattr(built.lib, name)
        node = members[name]
        if isinstance(value, int):
            if isinstance(node, ast.FunctionDef):
                problems.append(f"lib.{name} is the int {value}, but class {cls} declares it as a method")
            continue
        arity = len(built.ffi.typeof(value).args)
        if not isinstance(node, ast.FunctionDef):
            problems.append(
                f"lib.{name} is a C function taking {arity} arguments, but class {cls} declares it as an attribute"
            )
        elif (count := _positional(node)) != arity:
            problems.append(
                f"lib.{name} takes {arity} arguments in C ({built.ffi.typeof(value).cname}), "
                f"but class {cls} declares it with " + ("*args" if count is None else f"{count}")
            )
    if "__getattr__" in members:
        problems.append(f"class {cls} has __getattr__: mypy then accepts any name, misspelt ones too")
    if problems:
        pytest.fail(
            f"{exercise.show(STUB)} does not match the compiled module _stubs_cffi:\n- " + "\n- ".join(problems)
        )
