"""manifest.load: a malformed course.toml is a ManifestError that says where."""

from __future__ import annotations

import pytest

from grader import manifest

LESSON = """
[[lesson]]
id = "01"
dir = "01_setup"
page = "01-setup.md"
title = "Setup"
"""

EXERCISE = """
[[exercise]]
id = "01_setup/hello"
title = "Hello"
files = ["hello_build.py"]
points = 2
anchor = "exercise-hello"
"""


def _load(tmp_path, text: str) -> manifest.Course:
    path = tmp_path / "course.toml"
    path.write_text(text, encoding="utf-8")
    return manifest.load(path)


def test_a_valid_manifest(tmp_path):
    course = _load(tmp_path, LESSON + EXERCISE.replace('anchor = "exercise-hello"',
                                                       'anchor = "exercise-hello"\ntimeout = 5'))
    (ex,) = course.exercises
    assert (ex.id, ex.name, ex.lesson.id, ex.files, ex.points, ex.timeout) == (
        "01_setup/hello", "hello", "01", ("hello_build.py",), 2, 5.0)
    assert ex.grader == "tests/01_setup/test_hello.py"
    assert course.root == tmp_path.resolve()


@pytest.mark.parametrize(("text", "message"), [
    ("[[lesson]\nid = 1", "cannot read course.toml"),  # not TOML
    (LESSON, "no exercises declared"),
    (LESSON.replace('dir = "01_setup"\n', ""), "lesson #1: missing 'dir'"),
    (LESSON.replace('id = "01"', "id = 1") + EXERCISE, "lesson #1: 'id' must be a string"),
    (LESSON.replace('dir = "01_setup"', 'dir = "1_setup"') + EXERCISE, "must start with 01_"),
    (LESSON + LESSON + EXERCISE, "lesson 01 is declared twice"),
    ('lesson = "01"\n' + EXERCISE, "'lesson' must be an array of tables"),
    ('course = "x"\n' + LESSON + EXERCISE, "'course' must be a table"),
    (LESSON + EXERCISE.replace('"01_setup/hello"', '"02_x/hello"'), "of a declared lesson"),
    (LESSON + EXERCISE.replace('"01_setup/hello"', '"01_setup"'), "of a declared lesson"),
    (LESSON + EXERCISE + EXERCISE, "exercise '01_setup/hello': declared twice"),
    (LESSON + EXERCISE.replace("points = 2", "points = 0"), "points must be positive"),
    (LESSON + EXERCISE.replace("points = 2", 'points = "2"'), "'points' must be an integer"),
    (LESSON + EXERCISE.replace("points = 2", "points = true"), "'points' must be an integer"),
    (LESSON + EXERCISE.replace("points = 2\n", ""), "missing 'points'"),
    (LESSON + EXERCISE.replace('files = ["hello_build.py"]', 'files = "hello_build.py"'), "'files' must be"),
    (LESSON + EXERCISE.replace('files = ["hello_build.py"]', "files = []"), "non-empty list of file names"),
    (LESSON + EXERCISE.replace('files = ["hello_build.py"]', "files = [1]"), "list of file names"),
    (LESSON.replace('title = "Setup"', 'title = "Setup"\nsupport = "x.h"') + EXERCISE, "'support' must be"),
    (LESSON + EXERCISE + 'timeout = "fast"\n', "'timeout' must be a positive number"),
    (LESSON + EXERCISE + "timeout = 0\n", "'timeout' must be a positive number"),
    (LESSON + EXERCISE + "timeout = -1.5\n", "'timeout' must be a positive number"),
])
def test_malformed_manifests(tmp_path, text, message):
    with pytest.raises(manifest.ManifestError) as info:
        _load(tmp_path, text)
    assert message in str(info.value)
    assert "course.toml" in str(info.value), "the message names the file"


def test_a_missing_manifest(tmp_path):
    with pytest.raises(manifest.ManifestError, match=r"cannot read course\.toml"):
        manifest.load(tmp_path / "course.toml")


def test_the_fault_course_and_the_real_course_load():
    from engine_helpers import FAULT_COURSE

    assert len(manifest.load(FAULT_COURSE / "course.toml").exercises) >= 12
    assert manifest.load().exercises, "the repository's course.toml"
