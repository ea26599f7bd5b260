"""Read a learner's exercise files safely: regular files only, inside the
exercise's lesson folder, up to a size limit.

Grading reads files it did not write and must not trust. A named pipe blocks
whoever opens it for reading; a link can lead to ``/dev/zero`` (endless), to
someone else's file (another participant's solution, ``/etc/passwd``) or back
to itself; a sparse file can claim gigabytes. Each is refused with a message
naming the file as the learner sees it and saying what it is, before anything
of its content is read: the kind of a file is judged by ``stat`` (never by
opening it), and a regular file is read up to the limit plus one byte.

A link inside the lesson folder to a regular file in the same folder is
followed: it is the learner's own file either way. On Windows there are no
FIFOs or device files in a folder; symbolic links and junctions are both
resolved by ``Path.resolve()`` and judged by where they lead, like links on POSIX.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

DEFAULT_MAX_BYTES = 1 << 20  # per exercise file; course.toml: [course] max_file_bytes, or per exercise
_CHUNK = 1 << 16


class Unusable(Exception):
    """A file that is there but that grading will not read.

    ``name`` is relative to the lesson folder; ``what`` completes the sentence
    "<file> ...", and ``fix`` says what to do ("{ex}" stands for the exercise id)."""

    def __init__(self, name: str, what: str, fix: str = "") -> None:
        super().__init__(f"{name} {what}")
        self.name = name
        self.what = what
        self.fix = fix or (
            "Grading reads only regular files: replace it with a regular file holding your code, "
            "or restore the starter with `nox -s reset -- {ex}` (it backs up what is there first)."
        )

    def message(self, display: str, lesson_dir: str, exercise_id: str) -> str:
        text = f"{display}/{lesson_dir}/{self.name} {self.what}. {self.fix}"
        return text.replace("{ex}", exercise_id).replace("{folder}", f"{display}/{lesson_dir}/")


def kind_of(mode: int) -> str:
    """What a file that is not a regular one is, in words completing "<file> ..."."""
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a file"
    if stat.S_ISCHR(mode):
        return "is a character device, not a file"
    if stat.S_ISBLK(mode):
        return "is a block device, not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is not a regular file"


def _size(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


_FOLDER_FIX = (
    "Grading reads only regular files: rename or move that folder, then put your file back "
    "(`nox -s reset -- {ex}` restores the starter)."
)
_OUTSIDE_FIX = (
    "Grading reads only the files in {folder}: put a copy of your file there instead of a link "
    "(or restore the starter with `nox -s reset -- {ex}`)."
)


def _inside(path: Path, folder: Path) -> bool:
    p, f = os.path.normcase(str(path)), os.path.normcase(str(folder))
    return p == f or p.startswith(f.rstrip(os.sep) + os.sep)


def read_file(tree: Path, lesson_dir: str, name: str, limit: int = DEFAULT_MAX_BYTES) -> bytes | None:
    """The content of ``tree/lesson_dir/name``; None when nothing is there.

    Raises Unusable for anything that is there but is not a regular file inside
    the lesson folder of ``tree`` of at most ``limit`` bytes."""
    path = tree / lesson_dir / name
    try:
        lst = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None  # not there (or a file stands where a folder on its way should be)
    except OSError as exc:
        raise Unusable(
            name,
            f"cannot be read ({exc.strerror or exc})",
            "Check its permissions (or restore the starter with `nox -s reset -- {ex}`).",
        ) from None
    # Where it really is. The lesson folder of the graded tree is taken as it is
    # named in the tree, so a lesson folder that is itself a link elsewhere (to
    # another tree's solutions) does not count as "inside".
    home = tree.resolve() / lesson_dir
    link = stat.S_ISLNK(lst.st_mode)
    try:
        real = path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13: "Symlink loop from ..."
        raise Unusable(name, "is a link that leads back to itself (a loop of links), not a file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # Python 3.13+
            raise Unusable(name, "is a link that leads back to itself (a loop of links), not a file") from None
        if link and isinstance(exc, FileNotFoundError):
            raise Unusable(name, f"is a link to {_target(path)}, which does not exist") from None
        raise Unusable(name, f"cannot be read ({exc.strerror or exc})") from None
    if not _inside(real, home):
        shown = f" (it leads to {_target(path)})" if link else " (a folder on its way is a link)"
        raise Unusable(name, f"is a link to a file outside {{folder}}{shown}", _OUTSIDE_FIX)
    try:
        st = os.stat(real)
    except OSError as exc:
        raise Unusable(name, f"cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        # Never opened: opening a FIFO for reading blocks, a device may do anything.
        raise Unusable(
            name,
            kind_of(st.st_mode) + (f" (through a link to {_target(path)})" if link else ""),
            _FOLDER_FIX if stat.S_ISDIR(st.st_mode) else "",
        )
    if st.st_size > limit:
        raise _too_big(name, st.st_size, limit)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise Unusable(name, f"cannot be read ({exc.strerror or exc})") from None
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            raise Unusable(name, "changed while it was being read")  # replaced between stat and open
        data = bytearray()
        while len(data) <= limit:  # at most limit + 1 bytes, whatever the file claims
            chunk = os.read(fd, min(_CHUNK, limit + 1 - len(data)))
            if not chunk:
                break
            data += chunk
    except OSError as exc:
        raise Unusable(name, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise _too_big(name, len(data), limit)
    return bytes(data)


def _too_big(name: str, size: int, limit: int) -> Unusable:
    return Unusable(
        name,
        f"is {_size(size)}, more than the {_size(limit)} an exercise file may hold",
        "Is it the right file? Exercise files are short source files: restore the starter with "
        "`nox -s reset -- {ex}` (it backs up what is there first). The limit is `max_file_bytes` "
        "in course.toml.",
    )


def _target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "another file"
