"""The cache: compiled modules and verdicts, outside the repository and the graded tree.

Layout under the cache root (``CFFI_COURSE_CACHE``, or a per-user cache folder):

    CACHEDIR.TAG      the standard cache tag (https://bford.info/cachedir/): backup
                      tools skip the folder, and the engine writes and prunes only
                      in a folder that carries it (``open_cache``)
    builds/<key>/     one compiled module per content key (written to a temp
                      folder, then renamed into place: readers see whole entries)
    libs/<key>/       plain shared libraries for ABI-mode exercises (shlib.py)
    verdicts/<key>.json   the result of grading exactly that content
    runs/<unique>/    scratch space of one grading run, removed afterwards
    pycache/          bytecode of the grading children (PYTHONPYCACHEPREFIX)
    pycache-sandboxed/  the same for sandboxed children, written by the engine only
    progress/         the learner's progress per graded folder (progress.py)

Keys hash everything that changes the outcome (see ``environment_fingerprint``
and the engine's exercise key), so nothing is ever invalidated by hand: changed
content simply has a new key. Old entries are pruned by age (``prune``).
A damaged entry is a fault of the machine, never a learner's verdict: the
engine reports it as such, repairs what it can and grades again (runner.grade).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from . import protocol as proto

ENV_VAR = "CFFI_COURSE_CACHE"
KEEP_BUILDS = 200  # the newest this many build (and library) entries survive pruning
KEEP_SECONDS = 14 * 24 * 3600  # verdicts, bytecode and run folders older than this are pruned
KEEP_PROGRESS_SECONDS = 365 * 24 * 3600  # a clone not graded for a year loses its progress line
TEMP_SECONDS = 3600  # a temp entry this old is an interrupted write; a younger one may be another grade's

TAG_NAME = "CACHEDIR.TAG"
TAG_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
TAG_TEXT = (
    f"{TAG_SIGNATURE}\n"
    "# This file is a cache directory tag created by cffi-course (its grading cache).\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)
# The folders the engine makes in the cache: every module names them through these.
BUILDS = "builds"
LIBS = "libs"
VERDICTS = "verdicts"
PROGRESS = "progress"
RUNS = "runs"
PYCACHE = "pycache"
PYCACHE_SANDBOXED = "pycache-sandboxed"


@dataclass(frozen=True)
class Part:
    """One folder of the cache: how the engine names what it puts there (None: any
    name, for bytecode mirroring absolute paths), and how prune ages it."""

    names: re.Pattern | None
    keep_seconds: int
    keep_newest: int | None = None  # at most this many entries survive, the newest
    bytecode: bool = False  # a PYTHONPYCACHEPREFIX tree: prune removes files, never the user's names


PARTS = {
    BUILDS: Part(re.compile(r"[0-9a-f]{32}|\.tmp-.*"), KEEP_SECONDS, KEEP_BUILDS),
    LIBS: Part(re.compile(r"[0-9a-f]{32}|\.tmp-.*"), KEEP_SECONDS, KEEP_BUILDS),
    VERDICTS: Part(re.compile(r"[0-9a-f]{32}\.json|\.tmp-.*\.json"), KEEP_SECONDS),
    PROGRESS: Part(re.compile(r"[0-9a-f]{32}(\.hints)?\.json|\.tmp-.*\.json"), KEEP_PROGRESS_SECONDS),
    RUNS: Part(re.compile(r"\d+-.*"), KEEP_SECONDS),
    PYCACHE: Part(None, KEEP_SECONDS, bytecode=True),
    # The same for sandboxed children, to whom it is read-only: the engine writes it
    # (sandbox.warm_pycache, with a .warm-<fingerprint> stamp once it is complete).
    PYCACHE_SANDBOXED: Part(None, KEEP_SECONDS, bytecode=True),
}


class CacheError(Exception):
    """The cache folder cannot be used; the message says why and what to do."""


def cache_root() -> Path:
    value = os.environ.get(ENV_VAR)
    if value:
        return Path(value).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_cache_dir("cffi-course", appauthor=False)).resolve()


@dataclass
class Cache:
    """The cache one command grades with."""

    path: Path
    temporary: bool = False  # a stand-in for a cache that cannot be written: removed by close()
    warning: str = ""  # one line for the user when it is temporary

    def close(self) -> None:
        if self.temporary:
            shutil.rmtree(self.path, ignore_errors=True)


def open_cache(root: Path | None = None) -> Cache:
    """The cache to grade with: ``root`` (default ``cache_root()``) once it is known
    to be ours and writable. A folder that cannot be written (read-only, a file in
    the way, a read-only HOME) gives a temporary cache instead, with a warning
    saying why and where: the grade is whole, only nothing is kept for the next one.
    Raises CacheError for a folder that holds someone else's files: the engine
    never writes or prunes there."""
    root = cache_root() if root is None else root
    try:
        claim(root)
        return Cache(root)
    except OSError as exc:
        reason = f"{type(exc).__name__}: {exc.strerror or exc}"
    try:
        tmp = Path(tempfile.mkdtemp(prefix="cffi-course-cache-")).resolve()
        claim(tmp)
    except OSError as exc:
        raise CacheError(
            f"the cache folder {root} cannot be written ({reason}), and neither can a temporary "
            f"folder ({type(exc).__name__}: {exc.strerror or exc}). Point {ENV_VAR} at a folder "
            "you can write."
        ) from None
    return Cache(
        tmp,
        True,
        f"warning: the cache folder {root} cannot be written ({reason}); grading in a "
        f"temporary cache at {tmp}, removed afterwards (nothing is kept for the next grade).",
    )


def claim(root: Path) -> None:
    """Make ``root`` a cache the engine may write and prune: it carries our
    CACHEDIR.TAG, or is new or empty (then it gets one), or is a cache an earlier
    version of the course made before the tag existed (adopted, see
    ``_untagged_cache``). Folders the engine needs that are not folders (a file, a
    link) are removed: inside a tagged cache nothing is the user's. Raises
    CacheError for a folder that is someone else's, OSError when it cannot be written."""
    if os.path.lexists(root) and not root.is_dir():
        raise CacheError(
            f"the cache folder {root} is not a folder. Point {ENV_VAR} at a new or empty "
            "folder (or unset it for the default)."
        )
    try:
        names = os.listdir(root)
    except FileNotFoundError:
        root.mkdir(parents=True, exist_ok=True)
        names = os.listdir(root)
    if TAG_NAME in names:
        if not is_ours(root):
            raise CacheError(
                f"{root} carries another program's {TAG_NAME}: it is that program's cache. "
                f"Point {ENV_VAR} at a new or empty folder (or unset it for the default)."
            )
    elif [n for n in names if not n.startswith(".tmp-")] and not _untagged_cache(root, names):
        shown = ", ".join(sorted(n for n in names if not n.startswith(".tmp-"))[:4])
        raise CacheError(
            f"{ENV_VAR}={root} names a folder that holds other files ({shown}, ...) and is not a "
            f"cache of this course (no {TAG_NAME}). The engine writes and prunes old files only in a "
            f"folder of its own: point {ENV_VAR} at a new or empty folder (or unset it for the default)."
        )
    else:
        _write_tag(root)
    for name in PARTS:
        path = root / name
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            path.unlink()  # never followed: a link out of the cache is not ours to write through
    os.rmdir(new_run(root))  # can a grade write here? (root ignores permissions: try it)


def is_ours(root: Path) -> bool:
    """Whether ``root`` carries the tag this engine writes."""
    try:
        with open(root / TAG_NAME, encoding="utf-8", errors="replace") as f:
            text = f.read(4096)
    except OSError:
        return False
    return text.startswith(TAG_SIGNATURE) and "cffi-course" in text


def _write_tag(root: Path) -> None:
    # 0644: mkstemp's 0600 would hide it from other readers (backup tools); concurrent
    # grades may both write it, with the same content.
    write_text_atomic(root / TAG_NAME, TAG_TEXT, mode=0o644)


def _untagged_cache(root: Path, names: list[str]) -> bool:
    """Whether an untagged folder is a cache made by an earlier version of the
    course. Adopted (tagged) rather than refused: every existing user has one, in
    the default place or where CFFI_COURSE_CACHE points, and refusing would have
    them delete it by hand for nothing. Recognised strictly, so that a user's own
    folder does not pass by accident: only our folders at the top, real folders
    (no links), and in each only names the engine makes (content keys, its temp
    and run names)."""
    for name in names:
        if name.startswith(".tmp-"):
            continue
        path = root / name
        if name not in PARTS or path.is_symlink() or not path.is_dir():
            return False
        pattern = PARTS[name].names
        if pattern is not None and not all(pattern.fullmatch(entry) for entry in os.listdir(path)):
            return False
    return True


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:32]


def _module_stamp(name: str) -> str:
    """Where a module lives and when it changed, without importing it (importing
    cffi and pytest here would cost more than the whole warm grade)."""
    spec = find_spec(name)
    if spec is None or spec.origin is None:
        return f"{name}:absent"
    try:
        st = os.stat(spec.origin)
        return f"{name}:{spec.origin}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        return f"{name}:{spec.origin}"


def environment_fingerprint() -> str:
    """What, besides the graded files, can change a build or a verdict: the
    interpreter, cffi and pytest, and the compiler settings from the environment.
    (The compiler's own version is not probed: that costs a process start. Set
    CC to switch compilers and the key changes.)"""
    import sysconfig

    parts = [
        sys.version,
        sys.implementation.cache_tag or "",
        sys.platform,
        sysconfig.get_config_var("EXT_SUFFIX") or "",
        sysconfig.get_config_var("CC") or "",
        _module_stamp("cffi"),
        _module_stamp("_cffi_backend"),
        _module_stamp("pytest"),
        _module_stamp("setuptools"),
    ]
    for var in ("CC", "CFLAGS", "CPPFLAGS", "LDFLAGS", "LDSHARED", "ARCHFLAGS"):
        parts.append(f"{var}={os.environ.get(var, '')}")
    return digest(*parts)


def machine_stamp() -> str:
    """When what a `skip` verdict depends on last changed: the folders this interpreter
    imports from and runs commands from (installing a package or a tool adds an entry, which
    changes the folder's time), the system's include folders and the loader's cache (a
    library and its header installed with the system's package manager). A kept `skip` is
    served only while this stays the same: it says what the machine lacked, not what the
    learner's files are worth. Stat calls only, no process."""
    places = [*sys.path, *os.environ.get("PATH", "").split(os.pathsep)]
    places += ["/usr/include", "/usr/local/include", "/etc/ld.so.cache"]  # POSIX; elsewhere absent, skipped
    parts = []
    for place in dict.fromkeys(p for p in places if p):
        try:
            parts.append(f"{place}:{os.stat(place).st_mtime_ns}")
        except OSError:
            continue
    return digest(*parts)


def engine_fingerprint() -> str:
    """Changing the engine re-grades everything."""
    here = Path(__file__).resolve().parent
    return digest(*(p.read_bytes() for p in sorted(here.glob("*.py"))))


def fingerprint() -> str:
    """What besides the graded files keys every verdict and build: the engine's code and its environment."""
    return digest(engine_fingerprint(), environment_fingerprint())


def write_text_atomic(path: Path, text: str, mode: int | None = None, newline: str | None = None) -> None:
    """Write the whole file or nothing (a temporary file beside it, renamed into
    place): a crash, a full disk or Ctrl-C never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)  # names prune and adoption know
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            f.write(text)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_json_atomic(path: Path, data: object) -> None:
    write_text_atomic(path, json.dumps(data))


def read_json(path: Path) -> object | None:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def new_scratch(root: Path, kind: str) -> Path:
    base = root / kind
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=base))


def publish_dir(tmp: Path, final: Path) -> Path:
    """Move a finished temp folder into place. If another grade got there first,
    theirs wins and ours is dropped: both hold the same content by construction."""
    try:
        os.replace(tmp, final)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def _entries(folder: Path) -> list[tuple[Path, float, bool]]:
    """(path, mtime, is a real folder) of each entry, links not followed; none if
    ``folder`` is itself a link (or not there)."""
    if folder.is_symlink():
        return []
    out = []
    try:
        with os.scandir(folder) as it:
            for entry in it:
                try:
                    st = entry.stat(follow_symlinks=False)
                    out.append((Path(entry.path), st.st_mtime, entry.is_dir(follow_symlinks=False)))
                except OSError:
                    continue  # removed while we looked
    except OSError:
        pass
    return out


def _remove(path: Path, is_dir: bool) -> None:
    # rmtree removes links inside without following them (on Windows, junctions too
    # from Python 3.12; before that it refuses them, which leaves them in place).
    if is_dir:
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except OSError:
            pass


def prune(root: Path) -> None:
    """Drop what is old, in every folder of PARTS, as its Part says: entries beyond
    the newest ``keep_newest`` and older than ``keep_seconds``, temp entries of
    interrupted writes older than TEMP_SECONDS, in bytecode trees old files (see
    ``_prune_bytecode``). Only in a folder that carries our tag, never through a
    link. Never fails a grade."""
    if not is_ours(root):
        return
    now = time.time()
    for name, part in PARTS.items():
        if part.bytecode:
            _prune_bytecode(root / name, now, part.keep_seconds)
            continue
        entries = _entries(root / name)
        if part.keep_newest is not None:
            whole = sorted((e for e in entries if not e[0].name.startswith(".")), key=lambda e: e[1], reverse=True)
            for path, _mtime, is_dir in whole[part.keep_newest :]:
                _remove(path, is_dir)
        for path, mtime, is_dir in entries:
            age = now - mtime
            if age > part.keep_seconds or (path.name.startswith(".tmp-") and age > TEMP_SECONDS):
                _remove(path, is_dir)


# What Python leaves of a .pyc it was writing when its process was killed (a check
# that timed out): importlib writes "<name>.pyc.<number>", then renames it.
_PYC_TEMP = re.compile(r".*\.pyc\.\d+")


def _prune_bytecode(pycache: Path, now: float, keep_seconds: int) -> None:
    """Remove the .pyc files older than ``keep_seconds``, the half-written ones
    older than TEMP_SECONDS, the old warm stamps (``.warm-<fingerprint>``, one per
    engine and environment: sandbox.warm_pycache), then the folders left empty."""
    if pycache.is_symlink():
        return
    removed = False
    for folder, _dirs, files in os.walk(pycache, topdown=False):  # never follows links
        for name in files:
            path = os.path.join(folder, name)
            try:
                age = now - os.lstat(path).st_mtime
                if (
                    (name.endswith(".pyc") and age > keep_seconds)
                    or (_PYC_TEMP.fullmatch(name) and age > TEMP_SECONDS)
                    or (folder == str(pycache) and name.startswith(".warm-") and age > keep_seconds)
                ):
                    os.unlink(path)
                    removed = removed or name.endswith(".pyc")
            except OSError:
                pass
        if folder != str(pycache):
            try:
                os.rmdir(folder)  # only when empty
            except OSError:
                pass
    if removed:  # sandbox.warm_pycache's stamps say the bytecode is all there: no longer
        for stamp in pycache.glob(".warm-*"):
            try:
                stamp.unlink()
            except OSError:
                pass


def bytecode_of(root: Path, folder: Path) -> Path:
    """Where the grading children's bytecode of the files in ``folder`` goes: Python
    mirrors the absolute path under PYTHONPYCACHEPREFIX, without its drive on Windows."""
    return root / PYCACHE / Path(*folder.resolve().parts[1:])


def verdict_path(root: Path, key: str) -> Path:
    return root / VERDICTS / f"{key}.json"


def new_run(root: Path) -> Path:
    """A fresh scratch folder for one grading run (removed by the run; prune takes leftovers)."""
    return new_scratch(root, RUNS)


def _within(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([os.path.abspath(path), os.path.abspath(folder)]) == os.path.abspath(folder)
    except ValueError:  # another drive on Windows
        return False


def child_fault(exc: BaseException) -> str:
    """Why an exception raised in a grading child is a fault of the cache or of
    the machine, not of the learner's code ("" when it is not one). Told by its
    kind, not by its words: an OSError on a path of the cache outside this run's
    own folder (a folder gone, a file in place of a folder; not a refused write),
    or bytecode the import system could not unmarshal (a damaged .pyc:
    Python trusts a .pyc whose header matches its source, and fails on its body
    instead of compiling the source again). Learner code that fakes one gains
    nothing: a fault is graded again, and never scores."""
    root = os.environ.get(proto.CACHE)
    scratch = os.environ.get(proto.SCRATCH_TREE)
    run = os.path.dirname(scratch) if scratch else None
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        # Refused writes are not faults: a sandboxed child finds the cache read-only
        # on purpose, and learner code that tries to write there is answered so.
        if isinstance(e, OSError) and root and e.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            for name in (e.filename, e.filename2):
                if isinstance(name, (str, bytes)):
                    path = os.fsdecode(name)
                    if _within(path, root) and not (run and _within(path, run)):
                        return f"{type(e).__name__} on {os.path.abspath(path)}: {e.strerror or e}"
        if _unmarshal_failure(e):
            return f"a bytecode file in the cache is damaged ({type(e).__name__}: {e})"
        e = e.__cause__ or e.__context__
    return ""


# What PyPy's marshal says of a damaged .pyc: PyPy hides the import system's frames
# from tracebacks, so there the words are all there is to go by.
_PYPY_MARSHAL = ("EOF read where object expected", "bad marshal data", "marshal data too short")


def _unmarshal_failure(exc: BaseException) -> bool:
    if not isinstance(exc, (EOFError, ValueError, TypeError)):
        return False
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None and tb.tb_frame.f_code.co_name == "_compile_bytecode":  # importlib, around marshal.loads
        return True
    return sys.implementation.name == "pypy" and any(words in str(exc) for words in _PYPY_MARSHAL)
