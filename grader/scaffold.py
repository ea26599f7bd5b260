"""Scaffold a new exercise: ``nox -s new -- NN_topic/name`` (``python -m grader.scaffold``).

Writes, from ``grader/templates/exercise/``, everything an exercise needs to grade before
its author writes a line: the starter files (with ``TODO:``), the solution, the grader
``tests/NN_topic/test_name.py``, an ``ok-``/``bad-`` variant pair, the ``[[exercise]]``
entry in course.toml (inserted after the lesson's last exercise, the rest of the text
untouched), a section on the lesson page, and the GitHub Classroom files. The untouched
starter scores 0 and the solution full marks.

The lesson must exist: a lesson is a page, a place in the site's navigation and a title,
which are choices for its author (CONTRIBUTING.md, "Add a lesson"), not for a template.
Nothing is overwritten: an existing id or file stops the command before it writes anything.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import tempfile
from pathlib import Path
from string import Template

from . import command, manifest

TEMPLATES = Path(__file__).resolve().parent / "templates" / "exercise"
ID = re.compile(r"^(\d\d_[a-z0-9_]+)/([a-z][a-z0-9_]*)$")
POINTS = 2


class ScaffoldError(Exception):
    """The exercise cannot be made; the message says why and what to do."""


def _render(template: Path, values: dict[str, str]) -> str:
    return Template(template.read_text(encoding="utf-8")).substitute(values)


def _keep_newlines(path: Path, text: str) -> None:
    """Write ``text`` (read with universal newlines) back to ``path`` with the newlines the file
    had: a checkout with CRLF (Windows, core.autocrlf) stays CRLF, an LF one stays LF, on any OS."""
    newline = "\r\n" if b"\r\n" in path.read_bytes() else "\n"
    with open(path, "w", encoding="utf-8", newline=newline) as f:  # Path.write_text(newline=) is 3.10+; PyPy 3.9
        f.write(text)


def _entry(ex_id: str, name: str, title: str, anchor: str) -> str:
    return (
        "[[exercise]]\n"
        f'id = "{ex_id}"\n'
        f"title = {json.dumps(title, ensure_ascii=False)}\n"
        f'files = ["{name}_build.py", "{name}.py"]\n'
        f"points = {POINTS}\n"
        f'anchor = "{anchor}"\n'
        "hints = [\n"
        '    "Written by nox -s new: replace it with what to look at first (shown for any grade that does not pass).",\n'
        "]\n"
    )


def _insert_entry(text: str, lesson_dir: str, entry: str) -> str:
    """course.toml with ``entry`` after the last table of the lesson ``lesson_dir`` (before the
    comments and blank lines that open the next [[lesson]]), every other byte unchanged:
    exercises stay in lesson order, and the file keeps its comments and layout."""
    lines = text.splitlines(keepends=True)
    headers = [i for i, line in enumerate(lines) if line.strip() == "[[lesson]]"]
    dir_line = re.compile(rf'\s*dir\s*=\s*"{re.escape(lesson_dir)}"')
    for n, start in enumerate(headers):
        end = headers[n + 1] if n + 1 < len(headers) else None
        if any(dir_line.match(line) for line in lines[start:end]):
            break
    else:
        raise ScaffoldError(f'course.toml: no [[lesson]] with dir = "{lesson_dir}"')
    if end is None:  # the last lesson: its exercises end the file
        return text + ("" if text.endswith("\n") else "\n") + "\n" + entry
    while not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#"):
        end -= 1
    return "".join(lines[:end]) + "\n" + entry + "".join(lines[end:])


def _page_section(page: Path, section: str) -> str:
    """The page's text with ``section`` before its ``## Key points`` (or at its end)."""
    text = page.read_text(encoding="utf-8")
    marker = "\n## Key points\n"
    if marker in text:
        head, tail = text.split(marker, 1)
        return head.rstrip("\n") + "\n\n" + section + marker.lstrip("\n") + tail
    return text.rstrip("\n") + "\n\n" + section


def _write_lms(root: Path, course: manifest.Course) -> list[Path]:
    """Regenerate instructors/github-classroom/ with the course's own generator, for this
    course (its main() would write the checkout it lives in)."""
    script = root / "instructors" / "github-classroom" / "make_config.py"
    if not script.is_file():
        return []
    spec = importlib.util.spec_from_file_location("_make_config", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = [script.parent / "autograding.json", script.parent / "classroom.yml"]
    out[0].write_text(json.dumps(module.autograding(course), indent=2) + "\n", encoding="utf-8")
    out[1].write_text(module.workflow(course), encoding="utf-8")
    return out


def scaffold(ex_id: str, root: Path = manifest.ROOT, title: str | None = None) -> list[str]:
    """Create exercise ``ex_id`` in the course at ``root``; returns lines saying what was done."""
    match = ID.match(ex_id)
    if not match:
        raise ScaffoldError(
            f"{ex_id!r} is not an exercise id: write NN_topic/name, the lesson's folder and a "
            "lower-case name that is a Python identifier (e.g. 07_structs/point)"
        )
    lesson_dir, name = match.groups()
    toml = root / "course.toml"
    course = manifest.load(toml)
    lesson = next((les for les in course.lessons if les.dir == lesson_dir), None)
    if lesson is None:
        known = ", ".join(les.dir for les in course.lessons)
        raise ScaffoldError(
            f"course.toml declares no lesson {lesson_dir!r} (lessons: {known}). Add the lesson first "
            '(CONTRIBUTING.md, "Add a lesson"), then run this again.'
        )
    if any(ex.id == ex_id for ex in course.exercises):
        raise ScaffoldError(f"course.toml already declares {ex_id!r}: choose another name")
    anchor = "exercise-" + name.replace("_", "-")
    title = title or f"{name} (give it a title in course.toml)"
    values = {"id": ex_id, "name": name, "lesson_dir": lesson_dir, "title": title, "anchor": anchor}

    files: dict[Path, str] = {}
    for tree, where in (("starter", "exercises"), ("solution", "solutions")):
        for tmpl in sorted((TEMPLATES / tree).glob("*.tmpl")):
            files[root / where / lesson_dir / tmpl.name.removesuffix(".tmpl").replace("NAME", name)] = _render(
                tmpl, values
            )
    files[root / "tests" / lesson_dir / f"test_{name}.py"] = _render(TEMPLATES / "grader.py.tmpl", values)
    for tmpl in sorted((TEMPLATES / "variants").glob("*/*.tmpl")):
        target = root / "tests" / "variants" / lesson_dir / name / tmpl.parent.name
        files[target / tmpl.name.removesuffix(".tmpl").replace("NAME", name)] = _render(tmpl, values)
    taken = [p for p in files if p.exists() or p.is_symlink()]
    if taken:
        raise ScaffoldError(
            f"{ex_id}: these files exist already, and nothing is overwritten: "
            + ", ".join(p.relative_to(root).as_posix() for p in taken)
        )
    new_toml = _insert_entry(toml.read_text(encoding="utf-8"), lesson_dir, _entry(ex_id, name, title, anchor))
    with tempfile.TemporaryDirectory() as tmp:  # the new manifest must load before anything is written
        Path(tmp, "course.toml").write_text(new_toml, encoding="utf-8")
        manifest.load(Path(tmp, "course.toml"))

    # Everything is checked: write.
    done = []
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        done.append(f"wrote {path.relative_to(root).as_posix()}")
    _keep_newlines(toml, new_toml)
    done.append(f"added [[exercise]] {ex_id} to course.toml (after lesson {lesson.id}'s exercises)")
    page = root / "lessons" / lesson.page
    section = _render(TEMPLATES / "page.md.tmpl", values)
    if page.is_file():
        _keep_newlines(page, _page_section(page, section))
        done.append(f"added the section #{anchor} to lessons/{lesson.page} (before its key points)")
    else:
        done.append(
            f"lessons/{lesson.page} does not exist: write it, with a section whose heading ends in {{#{anchor}}}"
        )
    for path in _write_lms(root, manifest.load(toml)):
        done.append(f"regenerated {path.relative_to(root).as_posix()}")
    done.append(
        f"next: nox -s grade -- {ex_id} (the starter scores 0), "
        f"nox -s grade -- {ex_id} --tree solutions (full marks), then make it yours"
    )
    return done


def main(argv: list[str] | None = None) -> int:
    return command.run(lambda: _main(argv), errors=(ScaffoldError,), prefix="nox -s new:")


def _main(argv: list[str] | None) -> int:
    p = argparse.ArgumentParser(prog="nox -s new --", description="Scaffold a new exercise in an existing lesson.")
    p.add_argument("id", metavar="NN_topic/name", help="the new exercise's id, in a lesson course.toml declares")
    p.add_argument("--title", help="its title (default: a placeholder to replace in course.toml)")
    command.add_course_option(p)
    args = p.parse_args(argv)
    lines = scaffold(args.id.strip().strip("/").replace("\\", "/"), command.course_root(args), args.title)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
