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
    course = _load(
        tmp_path, LESSON + EXERCISE.replace('anchor = "exercise-hello"', 'anchor = "exercise-hello"\ntimeout = 5')
    )
    (ex,) = course.exercises
    assert (ex.id, ex.name, ex.lesson.id, ex.files, ex.points, ex.timeout) == (
        "01_setup/hello",
        "hello",
        "01",
        ("hello_build.py",),
        2,
        5.0,
    )
    assert ex.grader == "tests/01_setup/test_hello.py"
    assert course.root == tmp_path.resolve()


@pytest.mark.parametrize(
    ("text", "message"),
    [
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
    ],
)
def test_malformed_manifests(tmp_path, text, message):
    with pytest.raises(manifest.ManifestError) as info:
        _load(tmp_path, text)
    assert message in str(info.value)
    assert "course.toml" in str(info.value), "the message names the file"


def test_a_missing_manifest(tmp_path):
    with pytest.raises(manifest.ManifestError, match=r"cannot read course\.toml"):
        manifest.load(tmp_path / "course.toml")


def test_the_fault_course_and_the_real_course_load():
    from helpers import FAULT_COURSE

    assert len(manifest.load(FAULT_COURSE / "course.toml").exercises) >= 12
    assert manifest.load().exercises, "the repository's course.toml"


# Line numbers in LESSON + EXERCISE: [[lesson]] 2, its id 3, dir 4, page 5, title 6;
# [[exercise]] 8, its id 9, title 10, files 11, points 12, anchor 13; a line appended is 14.
SECOND = EXERCISE.replace('"01_setup/hello"', '"01_setup/bye"')  # its header is line 15, anchor 20


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        # a typo in a key is refused, not ignored
        (LESSON + EXERCISE + 'hint = ["x"]\n', 14, "unknown key 'hint' (did you mean 'hints'?)"),
        (LESSON + EXERCISE + 'stub-status = "error"\n', 14, "unknown key 'stub-status' (did you mean 'stub_status'?)"),
        (
            LESSON.replace('title = "Setup"', 'title = "Setup"\nsuport = ["x.h"]') + EXERCISE,
            7,
            "unknown key 'suport' (did you mean 'support'?)",
        ),
        (
            LESSON + EXERCISE.replace("[[exercise]]", "[[exercises]]"),
            8,
            "unknown key 'exercises' (did you mean 'exercise'?)",
        ),
        ('[course]\ntitel = "x"\n' + LESSON + EXERCISE, 2, "unknown key 'titel' (did you mean 'title'?)"),
        # one string is not a list of hints (iterated, it would be one hint per character)
        (LESSON + EXERCISE + 'hints = "Read the page."\n', 14, "'hints' must be a list, even of one hint"),
        (LESSON + EXERCISE + 'stub_status = "broken"\n', 14, "'stub_status' must be \"fail\""),
        (LESSON + EXERCISE + "stub_status = 1\n", 14, "'stub_status' must be \"fail\""),
        (LESSON + EXERCISE + "timeout = nan\n", 14, "'timeout' must be a positive number"),
        (LESSON + EXERCISE + "timeout = inf\n", 14, "'timeout' must be a positive number"),
        (LESSON + EXERCISE + "max_file_bytes = -1\n", 14, "'max_file_bytes' must be a positive number"),
        (LESSON + EXERCISE.replace("points = 2", "points = 0"), 12, "points must be positive"),
        (LESSON + EXERCISE.replace("points = 2\n", ""), 8, "missing 'points'"),  # a missing key: its table's line
        (LESSON + EXERCISE.replace('title = "Hello"', 'title = " "'), 10, "'title' must not be empty"),
        # forms of ids, folders, pages, anchors and file paths
        (LESSON + EXERCISE.replace('"01_setup/hello"', '"01_setup/hello-world"'), 9, "the name 'hello-world' must be"),
        (LESSON.replace('id = "01"', 'id = "1"') + EXERCISE, 3, "'id' '1' must be two digits"),
        (LESSON.replace('dir = "01_setup"', 'dir = "01_set up"') + EXERCISE, 4, "must be 01_<topic>"),
        (
            LESSON.replace('page = "01-setup.md"', 'page = "lessons/01-setup.md"') + EXERCISE,
            5,
            "must be the name of a Markdown file in lessons/",
        ),
        (LESSON + LESSON.replace('"01"', '"02"').replace("01_setup", "02_next") + EXERCISE, 11, "is lesson 01's too"),
        (LESSON + EXERCISE.replace('"exercise-hello"', '"#exercise-hello"'), 13, "without the '#'"),
        (LESSON + EXERCISE + SECOND, 20, "anchor 'exercise-hello' is exercise '01_setup/hello''s too"),
        (LESSON + EXERCISE + EXERCISE, 16, "declared twice"),
        (LESSON + EXERCISE.replace('"hello_build.py"', '"../solutions/hello_build.py"'), 11, "no '..'"),
        (LESSON + EXERCISE.replace('"hello_build.py"', '"/etc/passwd"'), 11, "no leading /"),
        (LESSON + EXERCISE.replace('"hello_build.py"', '"C:hello_build.py"'), 11, "a path inside the lesson folder"),
        (LESSON + EXERCISE.replace('"hello_build.py"', r'"sub\\hello_build.py"'), 11, "with / between folders"),
        (LESSON + EXERCISE.replace('"hello_build.py"', '"x.py", "x.py"'), 11, "lists 'x.py' twice"),
        ('[course]\nsite_url = "localhost:8000"\n' + LESSON + EXERCISE, 2, "must start with http:// or https://"),
        ("[course]\ntitle = 3\n" + LESSON + EXERCISE, 2, "'title' must be a string"),
    ],
)
def test_each_mistake_names_its_line(tmp_path, text, line, message):
    with pytest.raises(manifest.ManifestError) as info:
        _load(tmp_path, text)
    assert f"course.toml, line {line}: " in str(info.value), str(info.value)
    assert message in str(info.value), str(info.value)


def test_optional_fields_in_their_forms(tmp_path):
    text = (
        '[course]\ntitle = "T"\nsite_url = "https://example.org/c/"\nmax_file_bytes = 9\n'
        + LESSON.replace('title = "Setup"', 'title = "Setup"\nsupport = ["lib/x.h", "x.c"]')
        + EXERCISE
        + 'hints = ["one"]\nstub_status = "error"\ntimeout = 2.5\n'
        + SECOND.replace('"hello_build.py"', '"pkg/src/pkg/__init__.py"').replace("-hello", "-bye")
    )
    course = _load(tmp_path, text)
    hello, bye = course.exercises
    assert (course.title, course.site_url, course.lessons[0].support) == (
        "T",
        "https://example.org/c/",
        ("lib/x.h", "x.c"),
    )
    assert (hello.hints[0].text, hello.stub_status, hello.timeout, hello.max_file_bytes) == ("one", "error", 2.5, 9)
    assert (bye.files, bye.stub_status, bye.timeout, bye.hints) == (("pkg/src/pkg/__init__.py",), "fail", None, ())


def _numbered_lesson(n: int, part: str | None = None) -> str:
    text = LESSON.replace("01", f"{n:02d}").replace("01-setup", f"{n:02d}-setup")
    return text + (f'part = "{part}"\n' if part is not None else "")


def test_parts_are_inherited_in_order(tmp_path):
    course = _load(
        tmp_path,
        _numbered_lesson(1)
        + _numbered_lesson(2)
        + _numbered_lesson(3, "Going further")
        + _numbered_lesson(4)
        + EXERCISE,
    )
    assert [les.part for les in course.lessons] == ["", "", "Going further", "Going further"]


def test_a_part_that_comes_back_is_refused(tmp_path):
    text = _numbered_lesson(1, "One") + _numbered_lesson(2, "Two") + _numbered_lesson(3, "One") + EXERCISE
    with pytest.raises(manifest.ManifestError) as info:
        _load(tmp_path, text)
    assert "course.toml, line 21: lesson #3: part 'One' is also before this lesson" in str(info.value)


def test_a_part_must_be_a_non_empty_string(tmp_path):
    for value, message in (("3", "'part' must be a string"), ('" "', "'part' must not be empty")):
        with pytest.raises(manifest.ManifestError, match=message):
            _load(tmp_path, LESSON + f"part = {value}\n" + EXERCISE)
