"""cache: content keys, atomic writes, and publishing a build when another grade races us."""

from __future__ import annotations

import json
import threading

from grader import cache


def test_digest_is_stable_and_short():
    key = cache.digest("01_setup/hello", b"int add(int, int);")
    assert key == cache.digest("01_setup/hello", b"int add(int, int);")
    assert len(key) == 32 and int(key, 16) >= 0
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
    assert not first.exists() and not second.exists()
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
    import os
    import time

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
