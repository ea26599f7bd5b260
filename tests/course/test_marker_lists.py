"""The marker lists (SAME_ON_PYPY, SLOW in tests/*/conftest.py) name tests that exist.

A test renamed or moved would otherwise drop out of its list without a word: a slow test
would land in the maintainers' fast loop, or a test meant to be left out on PyPy would run
there again. Each entry is "file" or "file::test", beside its conftest.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
CONFTESTS = [TESTS / "engine" / "conftest.py", TESTS / "course" / "conftest.py"]


def _lists(conftest: Path) -> dict[str, set[str]]:
    """The module-level set literals SAME_ON_PYPY and SLOW of a conftest, read without importing it."""
    found = {}
    for node in ast.parse(conftest.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("SAME_ON_PYPY", "SLOW"):
                found[name] = set(ast.literal_eval(node.value))
    return found


def _test_functions(path: Path) -> set[str]:
    return {
        node.name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")
    }


@pytest.mark.parametrize("conftest", CONFTESTS, ids=lambda p: p.parent.name)
def test_every_marker_entry_names_a_test_that_exists(conftest):
    lists = _lists(conftest)
    assert set(lists) == {"SAME_ON_PYPY", "SLOW"}, (
        f"{conftest}: expected the sets SAME_ON_PYPY and SLOW, found {sorted(lists)}"
    )
    stale = []
    for list_name, entries in lists.items():
        for entry in sorted(entries):
            file_name, _, test = entry.partition("::")
            path = conftest.parent / file_name
            if not path.is_file():
                stale.append(f"{list_name}: {entry!r}: no file {file_name} beside {conftest.name}")
            elif test and test not in _test_functions(path):
                stale.append(f"{list_name}: {entry!r}: {file_name} has no function {test}")
    assert not stale, (
        f"{conftest.relative_to(TESTS.parent)} names tests that do not exist (renamed or moved?):\n" + "\n".join(stale)
    )
