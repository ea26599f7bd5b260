"""Tests of the graders: alternative solutions must pass, subtly wrong ones must fail.

Each folder tests/variants/<lesson dir>/<exercise>/<variant>/ holds the files
that differ from the solution. `ok-*` variants are other correct solutions;
`bad-*` variants are mistakes a learner makes, which the grader must catch.

A variant folder may hold `cpython-only.txt`: a mistake that only CPython's cffi makes
visible (the file says why). It is not copied into the graded tree, and on PyPy the
variant is skipped with that reason.

On PyPy (`nox -s tests-pypy`, which leaves out `same_on_pypy`), a variant is graded when
its verdict can depend on the interpreter: its grader or its own files use what behaves
differently there (garbage collection and object lifetimes, buffers, handles, callbacks,
threads, the interpreter's own build: _INTERPRETER_DEPENDENT below). The others are mistakes
in declarations, types, values and build settings, which the grader catches by comparing
what C returns; whether that comparison runs on PyPy at all is proved by the whole-course
grades (every grader passes its solution and fails its stub there), so grading them a second
time on PyPy would only repeat CPython's verdict (benchmarks/RESULTS.md: 40 % of the PyPy
session's time). `nox -s tests-pypy -- -m ""` grades them all.

A bad-* variant may hold `expect.txt`: what the learner must read about this mistake, one
text a line, each found in the grade's messages (a line starting with `!`: a text found in
none of them; `#` starts a comment). Not copied into the graded tree either.
"""

from __future__ import annotations

import functools
import platform
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import ROOT, grade_course

VARIANTS = ROOT / "tests" / "variants"
CPYTHON_ONLY = "cpython-only.txt"
EXPECT = "expect.txt"
ON_PYPY = platform.python_implementation() == "PyPy"


def _variants():
    for path in sorted(VARIANTS.glob("*/*/*")):
        if path.is_dir():
            yield path


ALL = list(_variants())

# What a grader or a variant uses whose behaviour is the interpreter's: when an object is
# freed (PyPy has no reference counting: a dropped ffi.new() lives until a collection),
# buffers and handles, callbacks, threads, the interpreter running a build or reporting its
# own extension suffix. A variant whose grader or files name none of these cannot get
# another verdict on PyPy than on CPython.
_INTERPRETER_DEPENDENT = re.compile(
    r"gc\.collect|collect_garbage|PoisoningAllocator|owned_ranges|callback_output|ffi\.gc\b"
    r"|\.release\(|from_buffer|new_handle|from_handle|weakref|__del__|getrefcount"
    r"|threading|ThreadPool|def_extern|ffi\.callback|sys\.executable|EXT_SUFFIX"
)


@functools.cache
def _grader_texts() -> dict[tuple[str, str], str]:
    import grader.manifest as m

    return {(ex.lesson.dir, ex.name): (ROOT / ex.grader).read_text(encoding="utf-8") for ex in m.load().exercises}


def _differs_on_pypy(variant: Path) -> bool:
    texts = [_grader_texts()[variant.parent.parent.name, variant.parent.name]]
    texts += [f.read_text(encoding="utf-8", errors="replace") for f in sorted(variant.rglob("*")) if f.is_file()]
    return any(_INTERPRETER_DEPENDENT.search(text) for text in texts)


def _param(variant: Path):
    marks = [] if _differs_on_pypy(variant) else [pytest.mark.same_on_pypy]
    return pytest.param(variant, marks=marks, id=f"{variant.parent.parent.name}/{variant.parent.name}/{variant.name}")


def test_every_exercise_has_variants():
    import grader.manifest as m

    course = m.load()
    for ex in course.exercises:
        here = [v.name for v in ALL if v.parent.name == ex.name and v.parent.parent.name == ex.lesson.dir]
        assert any(v.startswith("ok-") for v in here), (
            f"{ex.id}: no ok-* variant (another correct solution) in {VARIANTS}"
        )
        assert any(v.startswith("bad-") for v in here), f"{ex.id}: no bad-* variant (a wrong solution) in {VARIANTS}"
    for v in ALL:
        assert v.name.startswith(("ok-", "bad-")), f"{v}: variant folders are named ok-* or bad-*"


def _variant_files(variant):
    """The files a variant puts over the solution, relative to its lesson folder."""
    return [
        f.relative_to(variant)
        for f in sorted(variant.rglob("*"))
        if f.is_file() and f.name not in (CPYTHON_ONLY, EXPECT)
    ]


def _batches(variants, size=10):
    """The variants in groups that can share one graded tree: no two variants in a group
    touch the same file, counting every file of their exercises (two exercises may share
    files: 14_capstone's kvstore and kviter both are kvstore.py), and a variant that changes
    a file its exercise does not own (one the lesson's exercises share) is graded alone.
    One engine run then grades a whole group: its start (the interpreter, the manifest, the
    sandbox probe), about half a second on CPython and over a second on PyPy, is paid once
    per group instead of once per variant."""
    import grader.manifest as m

    owned = {(ex.lesson.dir, ex.name): {Path(f) for f in ex.files} for ex in m.load().exercises}
    alone: list[list[Path]] = []
    shared: list[tuple[list[Path], set]] = []  # (variants, the files they and their exercises touch)
    for variant in variants:
        lesson_dir, exercise = variant.parent.parent.name, variant.parent.name
        changed = set(_variant_files(variant))
        if not changed <= owned.get((lesson_dir, exercise), set()):
            alone.append([variant])
            continue
        touched = {(lesson_dir, f) for f in owned[(lesson_dir, exercise)]}
        for batch, claimed in shared:
            if len(batch) < size and not touched & claimed:
                batch.append(variant)
                claimed |= touched
                break
        else:
            shared.append(([variant], touched))
    return [batch for batch, _ in shared] + alone


@pytest.fixture(scope="module")
def verdicts(course_cache, tmp_path_factory, request):
    """Grade the variants this run selected (all, or those `-k` picked): a group of variants
    of different exercises per tree (_batches), two trees at a time."""
    selected = [
        item.callspec.params["variant"]
        for item in request.session.items
        if getattr(item, "callspec", None) is not None
        and "variant" in item.callspec.params
        and not (ON_PYPY and (item.callspec.params["variant"] / CPYTHON_ONLY).is_file())
    ]

    def grade(batch):
        tree = tmp_path_factory.mktemp(f"{batch[0].parent.name}-{batch[0].name}-and-{len(batch) - 1}")
        for variant in batch:
            lesson_dir = variant.parent.parent.name
            if not (tree / lesson_dir).exists():
                shutil.copytree(ROOT / "solutions" / lesson_dir, tree / lesson_dir)
            for rel in _variant_files(variant):
                target = tree / lesson_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(variant / rel, target)
        ids = [f"{v.parent.parent.name}/{v.parent.name}" for v in batch]
        report, _ = grade_course(
            ["--tree", str(tree), "--jobs", "1", *ids], course_cache, tree.parent / f"{tree.name}.json"
        )
        results = {e["id"]: e for e in report["exercises"]}
        return [(variant, results[id_]) for variant, id_ in zip(batch, ids)]

    # pytest makes its base folder on first use and TempPathFactory is not thread-safe:
    # two threads making it at once each got a folder of their own and one mktemp()
    # then refused its own name ("not a normalized and relative path").
    tmp_path_factory.getbasetemp()
    with ThreadPoolExecutor(max_workers=2) as pool:
        return {variant: result for graded in pool.map(grade, _batches(selected)) for variant, result in graded}


@pytest.mark.parametrize("variant", [_param(v) for v in ALL])
def test_variant_verdict(verdicts, variant):
    if ON_PYPY and (variant / CPYTHON_ONLY).is_file():
        pytest.skip((variant / CPYTHON_ONLY).read_text(encoding="utf-8").strip())
    result = verdicts[variant]
    if result["status"] == "skip":  # the machine cannot run the exercise (lesson 16 without a shared libpython)
        pytest.skip(result["message"])
    if variant.name.startswith("ok-"):
        assert result["status"] == "pass", (
            f"{variant.name} is a correct solution but was graded {result['status']}: {result['message'][:800]}"
        )
    else:
        assert result["status"] != "pass", f"{variant.name} is a wrong solution but the grader let it pass"
        assert result["points"] == 0, (
            f"{variant.name} is a wrong solution but the grader gave it {result['points']} points"
        )
        assert result["message"].strip(), f"{variant.name} failed without a message for the learner"
        expect = variant / EXPECT
        if expect.is_file():
            messages = "\n".join([result["message"], *(t["message"] for t in result["tests"])])
            for line in expect.read_text(encoding="utf-8").splitlines():
                if not line.strip() or line.startswith("#"):
                    continue
                if line.startswith("!"):
                    assert line[1:] not in messages, f"{variant.name}: {line[1:]!r} is in its messages:\n{messages}"
                else:
                    assert line in messages, f"{variant.name}: {line!r} is not in its messages:\n{messages}"


def test_pypy_grades_the_variants_whose_verdict_can_differ():
    """The rule behind tests-pypy's selection (the module's docstring), on variants whose
    class is known: it must keep lifetimes, buffers and callbacks and may leave out a
    declaration mistake."""
    by_name = {f"{v.parent.parent.name}/{v.parent.name}/{v.name}": v for v in ALL}
    kept = {name for name, v in by_name.items() if _differs_on_pypy(v)}
    for name in by_name:
        if name.startswith(("09_callbacks/", "10_memory/", "14_capstone/")):
            assert name in kept, f"{name}: its grader checks lifetimes or callbacks, PyPy must grade it"
    # A grader that compares values, and a variant of it that uses a bytearray through from_buffer.
    assert "06_types/text/ok-bytearray-from-buffer" in kept
    assert not any(n.startswith("02_cdef/inventory/") for n in kept), "02_cdef/inventory's variants are declarations"
