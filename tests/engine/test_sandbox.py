"""Grading someone else's work: learner processes run sandboxed (grader/sandbox.py).

One hostile room is graded once (a module fixture) and the attacks that used to
succeed are checked one by one: a participant whose module, at import time,
overwrites another participant's file, writes sitecustomize.py into the course,
writes into the cache (verdicts, bytecode, a forged build under another
content's key), leaves a process in its own session to rewrite the room's JSON
report, connects to a port on 127.0.0.1 and looks for the engine's processes
(through which, under Gradescope, a submission once wrote into the running
script). Then: crashes still read as crashes, builds still reach the cache
(published by the engine), and without a sandbox the room refuses to grade.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from helpers import (
    FAULT_COURSE,
    HAS_PROC,
    by_id,
    copy_course,
    grader_env,
    processes_mentioning,
    read_report,
    run_grader,
)

from grader import build, cache, manifest, runner, sandbox

# The hostile participant's greet.py. At import it tries every attack, then fails on
# purpose with what it saw (the report shows the exception's text).
MALLORY = r"""
import json, os, socket, subprocess, sys
seen = {}

def attempt(name, fn):
    try:
        fn()
        seen[name] = "done"
    except Exception as exc:
        seen[name] = type(exc).__name__

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)

attempt("victim", lambda: write(VICTIM_FILE, "def greet(name):\n    return 'owned'\n"))
attempt("sitecustomize", lambda: write(os.path.join(COURSE, "sitecustomize.py"), "# forged\n"))
for sub in ("verdicts", "pycache", "pycache-sandboxed", "builds"):
    attempt("cache-" + sub, lambda sub=sub: write(os.path.join(CACHE, sub, "forged-by-mallory"), "x"))
if sys.pycache_prefix:
    attempt("pycache-prefix", lambda: write(os.path.join(sys.pycache_prefix, "forged-by-mallory"), "x"))

FORGED_MODULE = "class _Lib:\n    @staticmethod\n    def add(a, b):\n        return a + b\nlib = _Lib()\nffi = None\n"

def forge(folder):
    # A build of someone else's content: a Python module posing as the compiled one.
    import hashlib
    write(os.path.join(folder, "_hello_cffi.py"), FORGED_MODULE)
    digest = hashlib.sha256(FORGED_MODULE.encode()).hexdigest()
    write(os.path.join(folder, "meta.json"), json.dumps({
        "module": "_hello_cffi", "warnings": [], "builder": "hello_build.py",
        "fingerprint": FINGERPRINT, "files": {"_hello_cffi.py": digest}}))

attempt("forged-build-cache", lambda: forge(os.path.join(CACHE, "builds", VICTIM_BUILD_KEY)))
if os.environ.get("GRADER_BUILD_OUT"):
    attempt("forged-build-out", lambda: forge(os.path.join(os.environ["GRADER_BUILD_OUT"], "builds", VICTIM_BUILD_KEY)))

def connect():
    with socket.create_connection(("127.0.0.1", PORT), timeout=5) as s:
        s.sendall(b"mallory was here")

attempt("network", connect)

engine = []
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                line = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if "grader.room" in line:
            engine.append(pid)
seen["engine-processes"] = engine
for pid in engine:  # what a submission did to Gradescope's running script
    attempt("engine-fd-" + pid, lambda pid=pid: open(f"/proc/{pid}/fd/1", "a").close())

ESCAPEE = (
    "import os, time\n"
    "while True:\n"
    "    try:\n"
    "        with open(REPORT, 'w') as f:\n"
    "            f.write('{\"forged\": true}')\n"
    "    except OSError:\n"
    "        pass\n"
    "    time.sleep(0.05)\n"
).replace("REPORT", repr(REPORT))
subprocess.Popen([sys.executable, "-c", ESCAPEE, MARKER], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

raise RuntimeError("SEEN" + json.dumps(seen) + "NEES")
"""

# Another one swaps the engine's events file for a FIFO, whose open() used to hang the engine.
# Its greet() is wrong, so that no outcome of the race it starts is a pass: the engine may read
# the real events (a poll that opened the file just before the swap reads what the checks write
# after it: a fail) or none (an error).
TRUDY = """import os
events = os.environ.get("GRADER_EVENTS")
if events:
    os.unlink(events)
    os.mkfifo(events)


def greet(name):
    return f"Hi, {name}!"
"""

HEALTHY_GREET = (FAULT_COURSE / "exercises" / "01_setup" / "greet.py").read_text()
# The victim's builder: a wrong solution (add subtracts), graded after the room.
WRONG_HELLO = (
    (FAULT_COURSE / "exercises" / "01_setup" / "hello_build.py").read_text().replace("return a + b", "return a - b")
)


def _run_room(course: Path, cache_dir: Path, room: Path, *args: str, env: dict | None = None):
    """`python -m grader.room` on `room`, from the course folder."""
    return subprocess.run(
        [sys.executable, "-m", "grader.room", "--course", str(course), str(room), *args],
        cwd=course,
        env=env or grader_env(cache_dir),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _victim_build_key(course: Path, victim: Path) -> str:
    """The key under which the victim's build of hello_build.py is looked up."""
    ex = next(e for e in manifest.load(course / "course.toml").exercises if e.id == "01_setup/hello")
    files_key = runner.exercise_key(ex, runner.read_files(ex, victim))
    return build.build_key(files_key, "hello_build.py", cache.environment_fingerprint())


@pytest.fixture(scope="module", params=["bwrap", "user"])
def hostile_room(request, tmp_path_factory):
    kind = request.param
    if kind == "user" and os.name == "posix" and os.geteuid() == 0:
        # The separate uid must reach the course and the cache: not under pytest's
        # folders, which are 0700 (and any pytest session starting meanwhile makes them so).
        base = Path(tempfile.mkdtemp(prefix="cffi-course-sandbox-user-")).resolve()
        base.chmod(0o755)
        try:  # removed even when setting the room up fails or skips
            yield _hostile_room(kind, base)
        finally:
            shutil.rmtree(base, ignore_errors=True)
    else:
        yield _hostile_room(kind, tmp_path_factory.mktemp(f"sandbox-{kind}"))


def _hostile_room(kind: str, base: Path) -> dict:
    """Grade a room with a hostile participant in `base`, then a victim after it; say what was seen."""
    cache_dir = base / "cache"
    saved = os.environ.get(cache.ENV_VAR)
    os.environ[cache.ENV_VAR] = str(cache_dir)  # the "user" kind checks that its uid can reach it
    try:
        found = sandbox.detect(kind)
    finally:
        os.environ.pop(cache.ENV_VAR) if saved is None else os.environ.__setitem__(cache.ENV_VAR, saved)
    if found.kind != kind:
        pytest.skip(f"no {kind} sandbox here: {found.reason}")
    course = copy_course(base / "course")
    room = base / "room"
    alice = room / "alice" / "01_setup"
    mallory = room / "mallory" / "01_setup"
    for folder in (alice, mallory):
        folder.mkdir(parents=True)
        (folder / "hello_build.py").write_text((FAULT_COURSE / "exercises" / "01_setup" / "hello_build.py").read_text())
    (alice / "greet.py").write_text(HEALTHY_GREET)
    (room / "trudy" / "01_setup").mkdir(parents=True)
    (room / "trudy" / "01_setup" / "greet.py").write_text(TRUDY)
    (room / "alice" / "02_crash").mkdir()
    (room / "alice" / "02_crash" / "segv_build.py").write_bytes(
        (FAULT_COURSE / "exercises" / "02_crash" / "segv_build.py").read_bytes()
    )
    victim = base / "victim"
    (victim / "01_setup").mkdir(parents=True)
    (victim / "01_setup" / "hello_build.py").write_text(WRONG_HELLO)
    (victim / "01_setup" / "greet.py").write_text(HEALTHY_GREET)

    report = base / "room.json"
    marker = f"cffi-course-escapee-{uuid.uuid4().hex}"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    values = {
        "VICTIM_FILE": str(alice / "greet.py"),
        "COURSE": str(course),
        "CACHE": str(cache_dir),
        "VICTIM_BUILD_KEY": _victim_build_key(course, victim),
        "FINGERPRINT": cache.environment_fingerprint(),
        "PORT": listener.getsockname()[1],
        "REPORT": str(report),
        "MARKER": marker,
    }
    header = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    (mallory / "greet.py").write_text(header + MALLORY)
    alice_before = (alice / "greet.py").read_bytes()

    # The instructor graded one folder first (that makes the cache folder, tagged as ours).
    first = run_grader(course, cache_dir, "--tree", str(victim), "01_setup/greet")
    assert first.returncode == 0, first.stdout + first.stderr
    env = dict(grader_env(cache_dir), CFFI_COURSE_SANDBOX=kind)
    proc = _run_room(
        course,
        cache_dir,
        room,
        "01_setup/greet",
        "01_setup/hello",
        "02_crash/segv",
        "--json",
        str(report),
        "--jobs",
        "2",
        env=env,
    )
    # The escapee, had it survived, rewrites the report every 50 ms: let the state
    # settle (bounded), then look. Leftovers are ended here either way.
    leftovers = []
    if HAS_PROC:
        deadline = time.monotonic() + 5
        while (leftovers := processes_mentioning(marker)) and time.monotonic() < deadline:
            time.sleep(0.1)
        for line in leftovers:
            os.kill(int(line.split(":")[0]), 9)
    try:
        connection = listener.accept()[0]
        connection.close()
        connected = True
    except BlockingIOError:
        connected = False
    listener.close()
    report_text = report.read_text() if report.exists() else ""
    # The victim graded after the room, with the same cache: its own (wrong) build.
    victim_json = base / "victim.json"
    victim_proc = run_grader(
        course, cache_dir, "--tree", str(victim), "--fresh", "--json", str(victim_json), "01_setup/hello"
    )
    return {
        "kind": kind,
        "proc": proc,
        "report_text": report_text,
        "course": course,
        "cache": cache_dir,
        "alice": alice,
        "alice_before": alice_before,
        "leftovers": leftovers,
        "connected": connected,
        "victim": victim_proc,
        "victim_json": victim_json,
    }


def _participant(room: dict, name: str) -> dict[str, dict]:
    data = json.loads(room["report_text"])
    return by_id(next(p for p in data["participants"] if p["name"] == name))


def _seen(room: dict) -> dict:
    message = _participant(room, "mallory")["01_setup/greet"]["message"]
    found = re.search(r"SEEN(\{.*?\})NEES", message)
    assert found, f"the hostile module did not run as expected: {message}"
    return json.loads(found.group(1))


def test_the_room_ran_sandboxed(hostile_room):
    proc = hostile_room["proc"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Isolation: {hostile_room['kind']}" in proc.stdout
    assert json.loads(hostile_room["report_text"])["isolation"] == hostile_room["kind"]


def test_another_participants_file_is_untouched_and_scores(hostile_room):
    assert hostile_room["alice"].joinpath("greet.py").read_bytes() == hostile_room["alice_before"]
    alice = _participant(hostile_room, "alice")
    assert alice["01_setup/greet"]["status"] == "pass", alice["01_setup/greet"]
    assert alice["01_setup/hello"]["status"] == "pass", alice["01_setup/hello"]


def test_the_course_and_the_cache_are_read_only(hostile_room):
    assert not (hostile_room["course"] / "sitecustomize.py").exists(), "learner code wrote into the course"
    forged = [p for p in hostile_room["cache"].rglob("*") if "forged-by-mallory" in p.name]
    assert forged == [], f"learner code wrote into the cache: {forged}"
    seen = _seen(hostile_room)
    assert seen["sitecustomize"] != "done", seen
    assert seen["cache-verdicts"] != "done", seen


def test_a_forged_build_does_not_reach_another_grade(hostile_room):
    """Mallory planted a build under the key of the victim's content, in the cache
    and in her own output folder; the victim's wrong code must still fail."""
    victim = hostile_room["victim"]
    assert victim.returncode == 0, victim.stdout + victim.stderr
    hello = by_id(read_report(hostile_room["victim_json"]))["01_setup/hello"]
    assert hello["status"] == "fail", f"the victim's wrong add() scored: {hello}"


def test_a_fifo_in_place_of_the_events_file_does_not_hang_the_room(hostile_room):
    assert hostile_room["proc"].returncode == 0
    assert _participant(hostile_room, "trudy")["01_setup/greet"]["status"] != "pass"


def test_no_process_outlives_its_check_and_the_report_stands(hostile_room):
    assert hostile_room["leftovers"] == [], f"still running after the room: {hostile_room['leftovers']}"
    report = json.loads(hostile_room["report_text"])
    assert "forged" not in report, "the room's report was rewritten"
    assert report["isolation"] == hostile_room["kind"], "the room's report was rewritten"


def test_no_network_and_no_engine_process_in_reach(hostile_room):
    seen = _seen(hostile_room)
    # Under Gradescope a submission appended to the running script through
    # /proc/<engine pid>/fd/255: no engine's file descriptor may be opened.
    assert not [k for k, v in seen.items() if k.startswith("engine-fd-") and v == "done"], seen
    if hostile_room["kind"] == "bwrap":
        # Its own PID and network namespaces: no engine to find, no port to reach.
        assert seen["engine-processes"] == [], seen
        assert not hostile_room["connected"], "learner code connected to a port on 127.0.0.1"
        assert seen["network"] != "done", seen
    # "user": the network is not isolated (said in the report and the README).


def test_crashes_still_read_as_crashes_and_builds_reach_the_cache(hostile_room):
    segv = _participant(hostile_room, "alice")["02_crash/segv"]
    assert segv["status"] == "crash", segv
    assert "SIGSEGV" in segv["message"], segv
    builds = [p for p in (hostile_room["cache"] / "builds").iterdir() if not p.name.startswith(".")]
    assert builds, "the engine publishes intact builds"
    assert all(build.entry_meta(p) is not None for p in builds), "the engine publishes intact builds"


def test_without_a_sandbox_the_room_refuses_unless_allowed(tmp_path):
    course = copy_course(tmp_path / "course")
    room = tmp_path / "room"
    (room / "p" / "01_setup").mkdir(parents=True)
    (room / "p" / "01_setup" / "greet.py").write_text(HEALTHY_GREET)
    env = dict(grader_env(tmp_path / "cache"), CFFI_COURSE_SANDBOX="none")
    refused = _run_room(course, tmp_path / "cache", room, "01_setup/greet", env=env)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "no sandbox" in refused.stderr
    assert "bubblewrap" in refused.stderr
    assert "--allow-unsandboxed" in refused.stderr
    out = tmp_path / "room.json"
    allowed = _run_room(
        course, tmp_path / "cache", room, "01_setup/greet", "--allow-unsandboxed", "--json", str(out), env=env
    )
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "WARNING" in allowed.stderr
    assert json.loads(out.read_text())["isolation"] == "none"
    # The same refusal on grade --isolate (and --gradescope, which implies it).
    graded = subprocess.run(
        [sys.executable, "-m", "grader", "--course", str(course), "--isolate", "01_setup/greet"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert graded.returncode == 2, graded.stdout + graded.stderr
    assert "bubblewrap" in graded.stderr, graded.stdout + graded.stderr


def test_the_forced_kind_and_the_reasons():
    assert sandbox.detect("none").kind == "none"
    bogus = sandbox.Sandbox("bwrap", tool="bwrap")
    assert bogus.returncode(128 + 11) == -11, "bwrap's 128+SIGSEGV is a segmentation fault"
    assert bogus.returncode(3) == 3
    assert sandbox.Sandbox("none", "x").wrap(["python"], Path("/r"), readable=[Path("/c")]) == ["python"]
    if sys.platform != "linux":
        assert sandbox.detect("bwrap").kind == "none"
        assert "Linux" in sandbox.detect("bwrap").reason


def test_a_build_entry_is_published_only_intact_and_under_its_own_key(tmp_path):
    out, dest = tmp_path / "out", tmp_path / "cache" / "builds"
    good = out / "k1"
    good.mkdir(parents=True)
    (good / "mod.so").write_bytes(b"binary")
    build.write_entry_meta(good, {"module": "mod"})
    assert build.entry_meta(good) is not None
    other = out / "k2"
    other.mkdir()
    (other / "mod.so").write_bytes(b"planted")
    build.write_entry_meta(other, {"module": "mod"})
    corrupt = out / "k3"
    corrupt.mkdir()
    (corrupt / "mod.so").write_bytes(b"binary")
    build.write_entry_meta(corrupt, {"module": "mod"})
    (corrupt / "mod.so").write_bytes(b"changed")
    assert build.entry_meta(corrupt) is None, "a file that does not match its digest: the entry is absent"
    published = build.publish_entries(out, dest, lambda meta: None if meta is None else "k1" if True else "")
    assert published == ["k1"], "k2's key is not the one the engine computes, k3 is corrupt"
    assert (dest / "k1" / "mod.so").read_bytes() == b"binary"
    assert build.entry_meta(dest / "k1") is not None
    if hasattr(os, "symlink"):
        linked = out / "k4"
        linked.mkdir()
        (linked / "mod.so").symlink_to(tmp_path / "out" / "k1" / "mod.so")
        assert build.entry_meta(linked) is None, "a link in an entry is never published"
