"""The manifest, the trees and the lesson pages agree, and no file is orphaned.

course.toml is the single place that pairs things; this test proves that
every pairing it declares exists, and that nothing exists that it does not
declare.
"""

from __future__ import annotations

import re

import pytest
from helpers import ROOT

from grader import manifest

COURSE = manifest.load()
EXERCISES = COURSE.exercises
IDS = [ex.id for ex in EXERCISES]

# Files a folder may hold besides the declared ones.
IGNORED = re.compile(r"(^|/)(__pycache__|\.pytest_cache)(/|$)|\.(pyc|so|o|obj|pyd|dll|dylib)$|(^|/)_[^/]*_cffi\.c$")


def _files(folder):
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not IGNORED.search(p.relative_to(folder).as_posix())
    }


def _anchors(page_text: str) -> set[str]:
    """Anchors a page defines: explicit {#id} attributes and slugs of headings."""
    found = set(re.findall(r"\{[^}]*#([\w-]+)[^}]*\}", page_text))
    for title in re.findall(r"^#{1,6}\s+(.+?)\s*(?:\{.*\})?$", page_text, flags=re.M):
        slug = re.sub(r"[^\w\s-]", "", title.lower()).strip()
        found.add(re.sub(r"[\s]+", "-", slug))
    return found


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_exercise_is_complete(ex):
    for tree in ("exercises", "solutions"):
        for name in (*ex.files, *ex.lesson.support):
            assert (ROOT / tree / ex.lesson.dir / name).is_file(), f"{ex.id}: {tree}/{ex.lesson.dir}/{name} is missing"
    assert (ROOT / ex.grader).is_file(), f"{ex.id}: its grader {ex.grader} is missing"
    page = ROOT / "lessons" / ex.lesson.page
    assert page.is_file(), f"{ex.id}: lesson page lessons/{ex.lesson.page} is missing"
    assert ex.anchor in _anchors(page.read_text(encoding="utf-8")), (
        f"{ex.id}: lessons/{ex.lesson.page} has no section #{ex.anchor} (give the heading {{#{ex.anchor}}})"
    )
    assert ex.hints, f"{ex.id}: declare at least one hint"
    assert ex.stub_status in ("fail", "error"), f"{ex.id}: stub_status must be 'fail' or 'error'"


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_stub_has_todos_and_solution_has_none(ex):
    stub = "".join((ROOT / "exercises" / ex.lesson.dir / f).read_text(encoding="utf-8") for f in ex.files)
    solution = "".join((ROOT / "solutions" / ex.lesson.dir / f).read_text(encoding="utf-8") for f in ex.files)
    assert "TODO:" in stub, f"{ex.id}: the starter files mark no place to edit with 'TODO:'"
    assert "TODO" not in solution, f"{ex.id}: the solution still has a TODO"
    assert stub != solution, f"{ex.id}: the starter files are the solution"


def _given_files_that_differ(exercises, solutions) -> list[str]:
    """Starter files with no 'TODO:' that are not byte-identical to their solution copy.

    The rule: a file under exercises/ that marks no place to edit (a given C library, a
    header, a build script the exercise does not ask to change) is given as it is, so its
    copy under solutions/, where there is one, must be the same bytes. A solution that
    changed a given file would be proved against a file the learner never has."""
    differ = []
    for name in sorted(_files(exercises)):
        given = (exercises / name).read_bytes()
        twin = solutions / name
        if b"TODO:" not in given and twin.is_file() and twin.read_bytes() != given:
            differ.append(name)
    return differ


def test_given_files_are_identical_to_their_solutions():
    differ = _given_files_that_differ(ROOT / "exercises", ROOT / "solutions")
    assert not differ, (
        f"these starter files mark nothing to edit (no 'TODO:') but differ from solutions/: "
        f"{differ}; copy one onto the other, or mark what the learner edits with 'TODO:'"
    )


def test_a_changed_given_file_is_found(tmp_path):
    for tree, text in (("exercises", "int f(void);\n"), ("solutions", "int f(int);\n")):
        (tmp_path / tree / "02_x").mkdir(parents=True)
        (tmp_path / tree / "02_x" / "x.h").write_text(text)
        (tmp_path / tree / "02_x" / "x_build.py").write_text("# TODO: declare f\n" if tree == "exercises" else "")
    assert _given_files_that_differ(tmp_path / "exercises", tmp_path / "solutions") == ["02_x/x.h"]


@pytest.mark.parametrize("tree", ["exercises", "solutions"])
def test_no_orphaned_files(tree):
    declared = {f"{ex.lesson.dir}/{name}" for ex in EXERCISES for name in (*ex.files, *ex.lesson.support)}
    present = _files(ROOT / tree)
    assert not present - declared, (
        f"{tree}/ has files no exercise declares in course.toml: {sorted(present - declared)}"
    )


def test_no_orphaned_graders():
    graders = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").glob("[0-9][0-9]_*/*.py")}
    declared = {ex.grader for ex in EXERCISES}
    assert not graders - declared, f"graders with no exercise in course.toml: {sorted(graders - declared)}"


def test_lessons_pages_and_folders_match():
    lesson_dirs = {les.dir for les in COURSE.lessons}
    for tree in ("exercises", "solutions", "tests"):
        present = {p.name for p in (ROOT / tree).iterdir() if p.is_dir() and re.match(r"\d\d_", p.name)}
        assert present <= lesson_dirs, (
            f"{tree}/ has lesson folders course.toml does not declare: {present - lesson_dirs}"
        )
    pages = {p.name for p in (ROOT / "lessons").glob("[0-9][0-9]-*.md")}
    declared = {les.page for les in COURSE.lessons}
    assert pages == declared, f"lesson pages {sorted(pages)} vs course.toml {sorted(declared)}"
    for les in COURSE.lessons:
        assert les.page.startswith(les.id + "-"), f"lesson {les.id}: page {les.page} must start with {les.id}-"
        assert any(ex.lesson == les for ex in EXERCISES), f"lesson {les.id} has no exercise"


def test_every_lesson_is_in_the_site_navigation():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for les in COURSE.lessons:
        assert les.page in config, f"mkdocs.yml's nav does not list {les.page}"


def test_lesson_order_is_numeric():
    ids = [les.id for les in COURSE.lessons]
    assert ids == sorted(ids), f"lessons must be declared in order: {ids}"
    order = [ex.lesson.id for ex in EXERCISES]
    assert order == sorted(order), "exercises must be declared in lesson order"


def _nav_sections() -> dict[str, list[str]]:
    """mkdocs.yml's nav: each section's title and the pages directly in it ("" for the top)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    for prefix in ("tag:yaml.org,2002:python/", "!"):  # MkDocs' own tags: their values are not needed here
        Loader.add_multi_constructor(prefix, lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    sections: dict[str, list[str]] = {}

    def walk(title, entries):
        for entry in entries:
            ((name, value),) = entry.items() if isinstance(entry, dict) else ((None, entry),)
            if isinstance(value, list):
                walk(name, value)
            else:
                sections.setdefault(title, []).append(value)

    walk("", config["nav"])
    return sections


def test_the_navigation_shows_the_parts():
    """Each named part of the course (a lesson's `part`) is a section of the site's nav holding
    its lessons' pages in course order; the lessons before it are in one section of their own."""
    sections = _nav_sections()
    parts: dict[str, list[str]] = {}
    for les in COURSE.lessons:
        parts.setdefault(les.part, []).append(les.page)
    for part, pages in parts.items():
        holding = [title for title, listed in sections.items() if pages[0] in listed]
        assert holding, f"mkdocs.yml's nav does not list {pages[0]}"
        if part:
            assert holding[0] == part, f"{pages[0]} is in the nav section {holding[0]!r}, not in its part {part!r}"
        lessons_there = [p for p in sections[holding[0]] if re.match(r"\d\d-", p)]
        assert lessons_there == pages, (
            f"the nav section {holding[0]!r} lists {lessons_there}; course.toml's "
            f"part {part or '(the first)'!r} has {pages}"
        )
