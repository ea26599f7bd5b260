"""cache: content keys, atomic writes, and publishing a build when another grade races us."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from grader import cache

OLD = time.time() - cache.KEEP_SECONDS - 3600
KEY = "0123456789abcdef0123456789abcdef"


def test_digest_is_stable_and_short():
    key = cache.digest("01_setup/hello", b"int add(int, int);")
    assert key == cache.digest("01_setup/hello", b"int add(int, int);")
    assert len(key) == 32
    assert int(key, 16) >= 0
    assert cache.digest("abc") == cache.digest(b"abc"), "text is hashed as its UTF-8 bytes"


def test_digest_keeps_parts_apart():
    assert cache.digest("ab", "c") != cache.digest("a", "bc")
    assert cache.digest("a", "") != cache.digest("a")
    assert cache.digest("x", b"1") != cache.digest("x", b"2")


def test_cache_root_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "c"))
    assert cache.cache_root() == (tmp_path / "c").resolve()


def test_write_json_atomic_leaves_no_temp_files(tmp_path):
    target = tmp_path / "verdicts" / "k.json"
    cache.write_json_atomic(target, {"status": "pass"})
    cache.write_json_atomic(target, {"status": "fail"})
    assert cache.read_json(target) == {"status": "fail"}
    assert [p.name for p in target.parent.iterdir()] == ["k.json"]


def test_read_json_of_a_broken_entry_is_none(tmp_path):
    (tmp_path / "half.json").write_text('{"status": "pa', encoding="utf-8")
    assert cache.read_json(tmp_path / "half.json") is None
    assert cache.read_json(tmp_path / "absent.json") is None


def _entry(root, name: str, content: str):
    tmp = cache.new_scratch(root, "builds")
    (tmp / "module.txt").write_text(content, encoding="utf-8")
    (tmp / "meta.json").write_text(json.dumps({"module": name}), encoding="utf-8")
    return tmp


def test_publish_dir_first_one_wins(tmp_path):
    final = tmp_path / "builds" / "key"
    first, second = _entry(tmp_path, "first", "1"), _entry(tmp_path, "second", "2")
    assert cache.publish_dir(first, final) == final
    assert cache.publish_dir(second, final) == final, "losing the race is not an error"
    assert (final / "module.txt").read_text(encoding="utf-8") == "1"
    assert not first.exists()
    assert not second.exists()
    assert sorted(p.name for p in (tmp_path / "builds").iterdir()) == ["key"]


def test_publish_dir_concurrent_publishers(tmp_path):
    final = tmp_path / "builds" / "key"
    temps = [_entry(tmp_path, f"p{i}", str(i)) for i in range(8)]
    start = threading.Barrier(len(temps))
    errors: list[BaseException] = []

    def publish(tmp):
        start.wait()
        try:
            cache.publish_dir(tmp, final)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(t,)) for t in temps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    assert sorted(p.name for p in final.iterdir()) == ["meta.json", "module.txt"], "one whole entry"
    winner = json.loads((final / "meta.json").read_text(encoding="utf-8"))["module"]
    assert (final / "module.txt").read_text(encoding="utf-8") == winner[1:], "its parts belong together"
    assert sorted(p.name for p in (tmp_path / "builds").iterdir()) == ["key"], "the losers' temp folders are gone"


def test_prune_drops_old_entries_only(tmp_path):
    cache.claim(tmp_path)  # prune works only in a folder that carries our tag
    old = time.time() - cache.KEEP_SECONDS - 60
    (tmp_path / "verdicts").mkdir()
    for name in ("old.json", "new.json"):
        (tmp_path / "verdicts" / name).write_text("{}", encoding="utf-8")
    os.utime(tmp_path / "verdicts" / "old.json", (old, old))
    stale = tmp_path / "builds" / ".tmp-interrupted"
    stale.mkdir(parents=True)
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    fresh = tmp_path / "builds" / ".tmp-in-progress"
    fresh.mkdir()
    cache.prune(tmp_path)
    assert [p.name for p in (tmp_path / "verdicts").iterdir()] == ["new.json"]
    assert [p.name for p in (tmp_path / "builds").iterdir()] == [".tmp-in-progress"], (
        "a temp folder an hour old is an interrupted build; a fresh one may be another grade's"
    )


def _old(path: Path, when: float = OLD) -> Path:
    os.utime(path, (when, when), follow_symlinks=False)
    return path


def _write(path: Path, text: str = "x", when: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return _old(path, when) if when else path


def _tag_line(root: Path) -> str:
    return (root / cache.TAG_NAME).read_text(encoding="utf-8").splitlines()[0]


def test_claim_tags_a_new_or_empty_folder(tmp_path):
    cache.claim(tmp_path / "new" / "cache")
    assert _tag_line(tmp_path / "new" / "cache") == "Signature: 8a477f597d28d172789f06886806bc55"
    (tmp_path / "empty").mkdir()
    cache.claim(tmp_path / "empty")
    assert cache.is_ours(tmp_path / "empty")
    cache.claim(tmp_path / "empty")  # again: nothing changes, nothing is refused
    assert sorted(p.name for p in (tmp_path / "empty").iterdir()) == [cache.TAG_NAME, "runs"]


def test_a_foreign_folder_is_refused_and_left_alone(tmp_path):
    """CFFI_COURSE_CACHE pointed at a folder that was not only a cache: pruning
    deleted the user's own files older than 14 days in its builds/, runs/, verdicts/."""
    folder = tmp_path / "projects"
    mine = [
        _write(folder / "notes.txt"),
        _write(folder / "builds" / "report.pdf", when=OLD),
        _write(folder / "verdicts" / "court.txt", when=OLD),
        _write(folder / "runs" / "monday.csv", when=OLD),
    ]
    with pytest.raises(cache.CacheError) as caught:
        cache.claim(folder)
    message = str(caught.value)
    assert str(folder) in message, message
    assert cache.ENV_VAR in message, message
    assert "new or empty folder" in message, message
    cache.prune(folder)
    assert all(p.exists() for p in mine), "nothing of the user's is deleted"
    assert not (folder / cache.TAG_NAME).exists(), "nothing is written there"


def test_a_folder_that_looks_like_a_cache_but_holds_a_user_file_is_refused(tmp_path):
    _write(tmp_path / "builds" / KEY / "meta.json")
    _write(tmp_path / "builds" / "holiday.jpg")
    with pytest.raises(cache.CacheError):
        cache.claim(tmp_path)


def test_another_programs_tagged_cache_is_refused(tmp_path):
    _write(tmp_path / cache.TAG_NAME, cache.TAG_SIGNATURE + "\n# created by another tool\n")
    _write(tmp_path / "builds" / KEY / "x.o")
    with pytest.raises(cache.CacheError, match="another program"):
        cache.claim(tmp_path)


def test_a_cache_of_an_earlier_version_is_adopted(tmp_path):
    """Untagged, but holding only what the engine makes: tagged, kept, pruned as before."""
    entry = _write(tmp_path / "builds" / KEY / "_hello.so")
    verdict = _write(tmp_path / "verdicts" / f"{KEY}.json", "{}")
    _write(tmp_path / "runs" / "1234-abcd" / "work" / "x")
    _write(tmp_path / "pycache" / "usr" / "lib" / "x.cpython-311.pyc")
    _write(tmp_path / "progress" / f"{KEY}.json", "{}")
    cache.claim(tmp_path)
    assert cache.is_ours(tmp_path)
    assert entry.exists()
    assert verdict.exists()


def _can_link(tmp_path: Path) -> bool:
    """Windows lets only administrators (or developer mode) make symbolic links."""
    try:
        (tmp_path / ".probe-link").symlink_to(tmp_path, target_is_directory=True)
    except OSError:
        return False
    (tmp_path / ".probe-link").unlink()
    return True


def test_claim_replaces_a_file_or_a_link_where_a_cache_folder_belongs(tmp_path):
    if not _can_link(tmp_path):
        pytest.skip("this system does not let us make symbolic links")
    outside = tmp_path / "outside"
    kept = _write(outside / "keep.txt")
    root = tmp_path / "cache"
    cache.claim(root)
    _write(root / "builds", "not a folder")
    (root / "verdicts").symlink_to(outside, target_is_directory=True)
    cache.claim(root)
    assert not (root / "builds").exists()
    assert not (root / "verdicts").exists()
    assert kept.exists(), "the link is removed, never followed"


def test_prune_covers_every_folder_and_never_follows_links_out(tmp_path):
    if not _can_link(tmp_path):
        pytest.skip("this system does not let us make symbolic links")
    root = tmp_path / "cache"
    cache.claim(root)
    outside = tmp_path / "outside"
    theirs = [_write(outside / "old.json", when=OLD), _write(outside / KEY / "old.so", when=OLD)]
    gone = [
        _old(_write(root / "libs" / KEY / "libx.so").parent),
        _write(root / "pycache" / "usr" / "lib" / "old.cpython-311.pyc", when=OLD),
        _write(root / "pycache-sandboxed" / "usr" / "old.cpython-311.pyc", when=OLD),
        _write(root / "pycache-sandboxed" / f".warm-{KEY}"),  # it no longer holds all it warmed
        _write(root / "progress" / f"{KEY}.json", when=time.time() - cache.KEEP_PROGRESS_SECONDS - 3600),
        _write(root / "verdicts" / ".tmp-abc.json", when=time.time() - 2 * cache.TEMP_SECONDS),
    ]
    kept = [
        _write(root / "pycache" / "usr" / "lib" / "new.cpython-311.pyc"),
        _write(root / "progress" / "0123456789abcdef0123456789abcde0.json", when=OLD),  # a progress line lives longer
    ]
    (root / "builds").symlink_to(outside, target_is_directory=True)  # a link where a folder of ours belongs
    link = root / "runs" / "4321-link"
    link.symlink_to(outside, target_is_directory=True)
    _old(link)
    cache.prune(root)
    assert [p for p in gone if p.exists()] == []
    assert all(p.exists() for p in kept)
    assert all(p.exists() for p in theirs), "nothing is deleted through a link"
    assert not os.path.lexists(link), "an old link of ours is removed itself"


def test_prune_takes_what_a_killed_child_or_an_older_engine_left_in_the_bytecode_folders(tmp_path):
    """A check killed while Python wrote a .pyc leaves "<name>.pyc.<number>" (importlib's temp
    name); every engine or environment change leaves a warm stamp of its own: both get old too."""
    root = tmp_path / "cache"
    cache.claim(root)
    recent = time.time() - 2 * cache.TEMP_SECONDS
    gone = [
        _write(root / "pycache" / "usr" / "lib" / "mod.cpython-311.pyc.140234567", when=recent),
        _write(root / "pycache-sandboxed" / "usr" / "mod.cpython-311.pyc.99", when=recent),
        _write(root / "pycache-sandboxed" / f".warm-{KEY}", when=OLD),
    ]
    kept = [
        _write(root / "pycache" / "usr" / "lib" / "mod.cpython-311.pyc.7"),  # being written now
        _write(root / "pycache-sandboxed" / "usr" / "new.cpython-311.pyc"),
        _write(root / "pycache-sandboxed" / f".warm-{'f' * 32}"),  # the current engine's: its bytecode is all there
    ]
    cache.prune(root)
    assert [p for p in gone if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []


def test_every_folder_of_the_cache_is_named_once_and_pruned():
    """The layout lives in cache.PARTS: each folder has its names (for adoption) and its age (for prune)."""
    assert set(cache.PARTS) == {
        cache.BUILDS,
        cache.LIBS,
        cache.VERDICTS,
        cache.PROGRESS,
        cache.RUNS,
        cache.PYCACHE,
        cache.PYCACHE_SANDBOXED,
    }
    assert all(part.keep_seconds > cache.TEMP_SECONDS for part in cache.PARTS.values())
    assert all((part.names is None) == part.bytecode for part in cache.PARTS.values())


def test_an_unwritable_cache_gives_a_temporary_one(tmp_path):
    """A file where a folder of the path should be: the cache cannot be created
    (as a read-only folder or a read-only HOME does; tests run as root, whom a
    read-only mode does not stop: see test_cache_faults.py for a read-only mount)."""
    blocker = _write(tmp_path / "file")
    store = cache.open_cache(blocker / "cache")
    try:
        assert store.temporary
        assert store.path.is_dir()
        assert cache.is_ours(store.path)
        assert str(blocker / "cache") in store.warning
        assert str(store.path) in store.warning
        assert "\n" not in store.warning
    finally:
        store.close()
    assert not store.path.exists()
    fine = cache.open_cache(tmp_path / "writable")
    assert not fine.temporary
    assert fine.path == tmp_path / "writable"
    assert fine.warning == ""
    fine.close()
    assert fine.path.is_dir(), "a real cache stays"


def test_a_cache_that_is_a_file_is_refused(tmp_path):
    with pytest.raises(cache.CacheError, match="not a folder"):
        cache.open_cache(_write(tmp_path / "cache"))


def test_a_verdicts_key_covers_the_manifest_entry_and_the_sandbox(tmp_path):
    import dataclasses

    from helpers import FAULT_COURSE

    from grader import manifest, runner, sandbox

    ex = manifest.load(FAULT_COURSE / "course.toml").exercises[0]
    settings = runner.Settings()

    def key(ex=ex, settings=settings):
        return runner.verdict_key(ex, FAULT_COURSE, "files", "exercises", settings, "engine")

    assert key() == key(), "stable"
    assert key(dataclasses.replace(ex, points=ex.points + 3)) != key(), "points are in the verdict"
    assert key(dataclasses.replace(ex, timeout=99.0)) != key()
    assert key(settings=dataclasses.replace(settings, sandbox=sandbox.Sandbox("bwrap"))) != key()


def test_child_fault_tells_the_caches_faults_from_the_learners(tmp_path, monkeypatch):
    import errno

    root, run = tmp_path / "cache", tmp_path / "cache" / "runs" / "1-x"
    monkeypatch.setenv("GRADER_CACHE", str(root))
    monkeypatch.setenv("GRADER_SCRATCH_TREE", str(run / "tree"))

    def raised(exc: BaseException, wrap: bool = False) -> BaseException:
        try:
            try:
                raise exc
            except BaseException as inner:
                if wrap:
                    raise RuntimeError("the builder failed") from None  # context kept, cause hidden
                raise inner
        except BaseException as outer:
            return outer

    gone = FileNotFoundError(errno.ENOENT, "No such file or directory", str(root / "builds" / KEY))
    assert "FileNotFoundError on" in cache.child_fault(raised(gone))
    assert cache.child_fault(raised(gone, wrap=True)), "found behind the exception it caused"
    inside_run = FileNotFoundError(errno.ENOENT, "No such file or directory", str(run / "tree" / "data.txt"))
    assert cache.child_fault(raised(inside_run)) == "", "the learner's own files are theirs"
    refused = PermissionError(errno.EROFS, "Read-only file system", str(root / "verdicts" / "x.json"))
    assert cache.child_fault(raised(refused)) == "", "a sandbox's refusal is an answer, not a fault"
    assert cache.child_fault(raised(EOFError("EOF when reading a line"))) == "", "input() at the end of stdin"


def test_the_command_line_reuses_one_temporary_cache_per_process(tmp_path, monkeypatch):
    """`watch` grades again and again in one process: one stand-in, not one per grade."""
    import io

    from grader import report, session

    blocker = _write(tmp_path / "file")
    monkeypatch.setenv(cache.ENV_VAR, str(blocker / "cache"))
    monkeypatch.setattr(session, "_stand_ins", {})
    out = io.StringIO()
    err = report.Console(file=out, width=400)
    first = session.open_cache([tmp_path / "tree"], tmp_path / "course", err)
    second = session.open_cache([tmp_path / "tree"], tmp_path / "course", err)
    try:
        assert first == second
        assert cache.is_ours(first)
        assert out.getvalue().count("warning:") == 2, "one line per grade"
    finally:
        session._stand_ins[(blocker / "cache").resolve()].close()
