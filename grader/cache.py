"""The cache: compiled modules and verdicts, outside the repository and the graded tree.

Layout under the cache root (``CFFI_COURSE_CACHE``, or a per-user cache folder):

    builds/<key>/     one compiled module per content key (written to a temp
                      folder, then renamed into place: readers see whole entries)
    verdicts/<key>.json   the result of grading exactly that content
    runs/<unique>/    scratch space of one grading run, removed afterwards

Keys hash everything that changes the outcome (see ``environment_fingerprint``
and the engine's exercise key), so nothing is ever invalidated by hand: changed
content simply has a new key. Old entries are pruned by age (``prune``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path

ENV_VAR = "CFFI_COURSE_CACHE"
KEEP_BUILDS = 200  # the newest this many build entries survive pruning
KEEP_SECONDS = 14 * 24 * 3600  # verdicts and runs older than this are pruned


def cache_root() -> Path:
    value = os.environ.get(ENV_VAR)
    if value:
        return Path(value).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_cache_dir("cffi-course", appauthor=False)).resolve()


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


def engine_fingerprint() -> str:
    """Changing the engine re-grades everything."""
    here = Path(__file__).resolve().parent
    return digest(*(p.read_bytes() for p in sorted(here.glob("*.py"))))


def write_json_atomic(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


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


def prune(root: Path) -> None:
    """Drop what is old: build entries beyond the newest KEEP_BUILDS, verdicts
    and leftover run folders older than KEEP_SECONDS. Never fails a grade."""
    now = time.time()
    try:
        builds = [p for p in (root / "builds").iterdir() if not p.name.startswith(".")]
        if len(builds) > KEEP_BUILDS:
            builds.sort(key=lambda p: p.stat().st_mtime, reverse=True)
            for p in builds[KEEP_BUILDS:]:
                shutil.rmtree(p, ignore_errors=True)
    except OSError:
        pass
    for kind in ("verdicts", "runs", "builds"):
        try:
            entries = list((root / kind).iterdir())
        except OSError:
            continue
        for p in entries:
            try:
                old = now - p.stat().st_mtime > KEEP_SECONDS
            except OSError:
                continue
            if old or (kind == "builds" and p.name.startswith(".tmp-") and now - p.stat().st_mtime > 3600):
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    try:
                        p.unlink()
                    except OSError:
                        pass
