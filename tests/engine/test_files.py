"""Hostile and odd exercise files (issue 12, item 3).

A course of one lesson whose exercises each have one file, made in a temporary
folder as something other than a plain file: a FIFO (opening it for reading
blocks), links to /dev/zero, to a secret outside the folder and to another
tree's passing solution, a loop of links, a dangling link, a folder, a socket,
a 2 GB sparse file, a file one byte over its exercise's own limit. One grade of
the whole lesson, run with a subprocess timeout (a hang fails the test, nothing
is timed), must give each its status and a message naming the file and what it
is, and never show or grade the content of a file outside the folder. A link
to a regular file inside the lesson folder is followed and passes.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from helpers import grader_command, grader_env

from grader import files, manifest

SECRET = "top-secret-line-7f3a"
POSIX = os.name == "posix"

GRADER = """
def test_value(exercise):
    mod = exercise.import_module("{name}")
    assert mod.VALUE == 42, "VALUE is not 42"
"""

# exercise name -> what its file is made as (see _make), the status and words expected
CASES = {
    "fifo": ("error", "is a FIFO (named pipe), not a file"),
    "zero": ("error", "is a link to a file outside exercises/01_odd/ (it leads to /dev/zero)"),
    "secret": ("error", "is a link to a file outside exercises/01_odd/"),
    "other": ("error", "is a link to a file outside exercises/01_odd/"),
    "loop": ("error", "is a link that leads back to itself (a loop of links)"),
    "dangling": ("error", "which does not exist"),
    "folder": ("error", "is a folder, not a file"),
    "sock": ("error", "is a socket, not a file"),
    "sparse": ("error", "is 2.1 GB, more than the 1.0 MB an exercise file may hold"),
    "small": ("error", "is 101 bytes, more than the 100 bytes an exercise file may hold"),
    "inlink": ("pass", ""),
    "plain": ("pass", ""),
}
POSIX_ONLY = {
    "fifo",
    "zero",
    "sock",
    "secret",
    "other",
    "loop",
    "dangling",
    "inlink",
}  # links need privileges on Windows


def _make(course: Path, tmp: Path) -> list[str]:
    """The course, its graders, and the odd files; returns the exercise names made."""
    lesson = course / "exercises" / "01_odd"
    lesson.mkdir(parents=True)
    (course / "tests" / "01_odd").mkdir(parents=True)
    good = b"VALUE = 42\n"
    names = [n for n in CASES if POSIX or n not in POSIX_ONLY]
    if len(str(lesson / "sock.py")) > 100:  # AF_UNIX paths are short (104-108 bytes)
        names.remove("sock")
    toml = [
        '[course]\ntitle = "odd files"\n',
        '[[lesson]]\nid = "01"\ndir = "01_odd"\npage = "01-odd.md"\ntitle = "Odd files"\n',
    ]
    for n in names:
        limit = "max_file_bytes = 100\n" if n == "small" else ""
        toml.append(
            f'[[exercise]]\nid = "01_odd/{n}"\ntitle = "{n}"\nfiles = ["{n}.py"]\npoints = 2\n'
            f'anchor = "ex-{n}"\n{limit}'
        )
        (course / "tests" / "01_odd" / f"test_{n}.py").write_text(GRADER.format(name=n))
    (course / "course.toml").write_text("\n".join(toml))
    secret = tmp / "secret.py"
    secret.write_text(f'"{SECRET}"\nVALUE = 42\n')
    other = tmp / "other-tree" / "01_odd" / "other.py"  # another participant's correct file
    other.parent.mkdir(parents=True)
    other.write_bytes(good)
    for n in names:
        path = lesson / f"{n}.py"
        if n == "fifo":
            os.mkfifo(path)
        elif n == "zero":
            path.symlink_to("/dev/zero")
        elif n == "secret":
            path.symlink_to(secret)
        elif n == "other":
            path.symlink_to(os.path.relpath(other, lesson))
        elif n == "loop":
            path.symlink_to("loop.py")
        elif n == "dangling":
            path.symlink_to("nowhere.py")
        elif n == "folder":
            path.mkdir()
        elif n == "sock":
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(str(path))
            s.close()  # the socket file stays
        elif n == "sparse":
            with open(path, "wb") as f:
                f.truncate(2 * 1024**3 + 1)
        elif n == "small":
            path.write_bytes(good + b"#" * (101 - len(good)))
        elif n == "inlink":
            (lesson / "inlink_impl.txt").write_bytes(good)
            path.symlink_to("inlink_impl.txt")
        else:
            path.write_bytes(good)
    return names


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("odd")
    course = tmp / "course"
    names = _make(course, tmp)
    out = tmp / "report.json"
    try:
        proc = subprocess.run(
            grader_command(course, "--json", str(out)),
            cwd=course,
            env=grader_env(tmp / "cache"),
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the grade did not end (a FIFO or an endless file was read?):\n{exc.stdout}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    return names, proc.stdout, {e["id"].split("/")[1]: e for e in report["exercises"]}, report


@pytest.mark.parametrize("name", list(CASES))
def test_each_odd_file_gets_a_status_and_a_message_naming_it(graded, name):
    names, _, by_name, _ = graded
    if name not in names:
        pytest.skip(f"{name}: cannot be made on this system")
    status, words = CASES[name]
    entry = by_name[name]
    assert entry["status"] == status, entry
    if status == "error":
        assert entry["message"].startswith(f"exercises/01_odd/{name}.py "), entry["message"]
        assert words in entry["message"], entry["message"]
        assert "nox -s reset -- 01_odd/" + name in entry["message"], entry["message"]
        assert entry["points"] == 0


def test_nothing_of_a_file_outside_the_folder_is_shown_or_graded(graded):
    _, stdout, _, report = graded
    assert SECRET not in stdout
    assert SECRET not in json.dumps(report)
    assert report["score"] == 4, report  # plain and inlink only: the link to another tree's solution scores nothing


def test_the_size_limit_is_read_from_the_manifest(tmp_path):
    base = (
        '[course]\n{course}\n[[lesson]]\nid = "01"\ndir = "01_a"\npage = "p.md"\ntitle = "t"\n'
        '[[exercise]]\nid = "01_a/x"\ntitle = "x"\nfiles = ["x.py"]\npoints = 1\nanchor = "a"\n{ex}\n'
    )
    path = tmp_path / "course.toml"
    path.write_text(base.format(course="", ex=""))
    assert manifest.load(path).exercises[0].max_file_bytes == files.DEFAULT_MAX_BYTES == 1048576
    path.write_text(base.format(course="max_file_bytes = 5000", ex=""))
    assert manifest.load(path).exercises[0].max_file_bytes == 5000
    path.write_text(base.format(course="max_file_bytes = 5000", ex="max_file_bytes = 7"))
    assert manifest.load(path).exercises[0].max_file_bytes == 7
    path.write_text(base.format(course="max_file_bytes = 0", ex=""))
    with pytest.raises(manifest.ManifestError, match="max_file_bytes"):
        manifest.load(path)
    assert manifest.load().exercises[0].max_file_bytes == 1048576  # the course's own


@pytest.mark.skipif(not POSIX, reason="no devices to make on Windows")
def test_a_device_inside_the_folder_is_named_and_never_opened(tmp_path, monkeypatch):
    # Making a device node needs root; os.stat says what it is, which is all the reader looks at.
    import stat as stat_mod

    (tmp_path / "01_a").mkdir()
    (tmp_path / "01_a" / "x.py").write_text("x")
    real_stat = os.stat

    def fake_stat(p, *a, **k):
        st = real_stat(p, *a, **k)
        if str(p).endswith("x.py"):
            return os.stat_result((stat_mod.S_IFCHR | 0o666, *st[1:]))
        return st

    monkeypatch.setattr(os, "stat", fake_stat)
    monkeypatch.setattr(os, "open", lambda *a, **k: pytest.fail("a device was opened"))
    with pytest.raises(files.Unusable, match="is a character device, not a file"):
        files.read_file(tmp_path, "01_a", "x.py")
