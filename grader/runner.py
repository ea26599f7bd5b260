"""Grade one exercise: copy its files to scratch space, run its grader in child
processes, survive whatever the learner's code does, and cache the verdict.

A grader runs in one child process while nothing goes wrong. If the child
crashes, hangs or exits early, the test it was running gets that status and a
new child runs the tests not yet reported (pytest ``--deselect``), until every
test has a result. A failure while *preparing* a test (building or importing
the learner's module) would repeat for every test, so it is given to all the
remaining tests at once instead of being rerun; so is a time-out (the next checks
would most likely loop too), after the child printed where it was stuck.

On Linux, from an engine's second child on, a child is forked from its fork server
(forkserver.py), which has imported pytest once, unless it is sandboxed or runs
under AddressSanitizer; it runs and is handled the same way either way.

A crashed test is run once more, alone, with the learner's C built under
AddressSanitizer where the machine can (Linux, gcc, CPython), to name the C function
and line. A crash or failure also shows the compiler's warnings about the learner's
lines, and any exception a Python callback raised (cffi only prints those).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from . import build as build_mod
from . import cache, forkserver, procs, sanitizer, shlib
from . import files as files_mod
from . import protocol as proto
from . import sandbox as sandbox_mod
from .events import ChildEvents, Waiting, read_new
from .manifest import ROOT, Exercise
from .paths import Paths
from .results import VERDICTS, ExerciseResult, Status, TestResult

OUTPUT_HEAD = 8_000  # bytes of a child's output kept from the start...
OUTPUT_TAIL = 8_000  # ...and from the end; the rest is counted, not kept


@dataclass
class Settings:
    test_timeout: float = 10.0  # seconds per test (its call)
    # Preparing a test (compiling and importing the learner's module) gets its own,
    # longer limit: a cold compile on a slow or busy machine must not look like a hang.
    setup_timeout: float = 30.0
    collect_timeout: float = 30.0  # seconds for a child to start and collect
    memory_limit: int = 1 << 30  # address space per child (POSIX only)
    use_cache: bool = True
    # memcheck: the environment from sanitizer.prepare(), or None for a normal grade
    sanitizer_env: dict | None = None
    slowdown: float = 1.0  # multiplies every check's time limit (memcheck)
    # Isolation of learner processes (grader/sandbox.py): None for the learner's own
    # grade, as before; a Sandbox for work that is not the user's (room, Gradescope, --isolate).
    sandbox: sandbox_mod.Sandbox | None = None
    hide: tuple[Path, ...] = ()  # folders a sandboxed child must not see (the graded trees)


class _Output:
    """Reads a child's merged stdout/stderr, keeping only its head and tail."""

    def __init__(self, stream) -> None:
        self.head = bytearray()
        self.tail: deque[bytes] = deque()
        self.tail_size = 0
        self.total = 0
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        try:
            while True:
                chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
                if not chunk:
                    break
                self.total += len(chunk)
                room = OUTPUT_HEAD - len(self.head)
                if room > 0:
                    self.head += chunk[:room]
                    chunk = chunk[room:]
                if chunk:
                    self.tail.append(chunk)
                    self.tail_size += len(chunk)
                    while self.tail_size - len(self.tail[0]) >= OUTPUT_TAIL:
                        self.tail_size -= len(self.tail.popleft())
        except (OSError, ValueError):
            pass

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def text(self) -> str:
        tail = b"".join(self.tail)[-OUTPUT_TAIL:]
        skipped = self.total - len(self.head) - len(tail)
        middle = f"\n... ({skipped} bytes of output not kept) ...\n".encode() if skipped > 0 else b""
        return (bytes(self.head) + middle + tail).decode("utf-8", "replace")


STARTUP = "(start-up)"  # the name of a result given before any check started
PROCESS_EXIT = "(process exit)"  # ...and of one given after every check ended


@dataclass
class _Run:
    returncode: int | None
    stopped: str | None  # "timeout" or "interrupt" when the engine killed it
    limit: float
    output: str
    phase: str | None = None  # protocol.SETUP or CALL: what the last test was doing
    lost: bool = False  # its fork server died first: how it ended is unknown (not the learner's doing)


# PyPy's JIT compiles code that has run often; a grading child lives a second or two,
# mostly importing and configuring pytest, run once: there the JIT costs more than it
# gives back (a quarter of a child's CPU, benchmarks/RESULTS.md). The interpreter without
# it runs the same code with the same results, and a learner's C runs as fast either way.
CHILD_FLAGS = ["--jit", "off"] if sys.implementation.name == "pypy" else []


def _run_child(
    args: list[str],
    env: dict,
    cwd: Path,
    events_path: Path,
    settings: Settings,
    live: procs.LiveProcesses,
    events: ChildEvents,
    readable: tuple[Path, ...] = (),
    uid: int | None = None,
    warm: bool = True,
) -> _Run:
    """Run one child to its end (or kill it: a time limit, Ctrl-C), feeding ``events``
    what it reports. ``warm``: it may be forked from the engine's fork server
    (forkserver.py) where that gives the same child."""
    env = dict(env, **{proto.EVENTS: str(events_path)})
    argv = [sys.executable, *CHILD_FLAGS, "-m", "grader.child", *args]
    sandbox = settings.sandbox
    proc: subprocess.Popen | forkserver.ForkedChild | None = None
    if (
        warm
        and sandbox is None
        and uid is None
        and not settings.sanitizer_env
        and forkserver.available(env)
        and forkserver.wanted()
    ):
        server = forkserver.server_for(env, CHILD_FLAGS, env.get(proto.CACHE, ""))
        try:
            proc = server.start_child(args, env, str(cwd))
        except forkserver.ServerLost:
            proc = None  # started the usual way below; the server is not asked again
    if proc is None:
        extra: dict = {}
        if sandbox is not None:
            # The run folder (the events file's) is the only place the child may write.
            argv = sandbox.wrap(argv, events_path.parent, readable=list(readable), cwd=cwd, hide=list(settings.hide))
            extra = sandbox.popen_kwargs(uid)
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
            **procs.popen_kwargs(),
            **extra,
        )
    live.add(proc)
    output = _Output(proc.stdout)
    exited = threading.Event()

    def wait_then_say() -> None:
        proc.wait()
        exited.set()

    threading.Thread(target=wait_then_say, daemon=True).start()
    events.new_child()
    limits = {
        Waiting.COLLECT: settings.collect_timeout,
        Waiting.CHECK: settings.test_timeout,
        Waiting.SETUP: max(settings.setup_timeout, settings.test_timeout),
    }
    offset = 0
    started = time.time()
    stopped = None
    try:
        while not exited.wait(0.05):
            data, offset = read_new(events_path, offset)
            events.feed(data, time.time())
            if live.cancelled.is_set():
                stopped = "interrupt"
                break
            if time.time() - (events.since if events.since is not None else started) > limits[events.waiting]:
                stopped = "timeout"
                break
    finally:
        limit = limits[events.waiting]  # the one that applied when the loop stopped
        if stopped == "timeout":
            _dump_stack(proc, exited, sandbox is None)
        procs.kill_tree(proc)  # also ends anything the child left behind
        proc.wait()
        if uid is not None:
            sandbox_mod.kill_uid(uid)  # "user" sandbox: what left the group (setsid, double fork) too
        live.discard(proc)
    output.join(2.0)
    if proc.stdout:
        proc.stdout.close()
    data, offset = read_new(events_path, offset)
    events.feed(data, time.time())
    if stopped is None and live.cancelled.is_set() and not events.done:
        # Ctrl-C's kill_all() ended it before this loop noticed: that is not a
        # crash (SIGKILL) of the learner's code, and no verdict to keep.
        stopped = "interrupt"
    returncode = sandbox.returncode(proc.returncode) if sandbox is not None else proc.returncode
    lost = isinstance(proc, forkserver.ForkedChild) and proc.lost and stopped is None
    return _Run(returncode, stopped, limit, output.text(), events.phase, lost)


STACK_WAIT = 5.0  # seconds a timed-out child gets to print its Python stack before the kill


def _dump_stack(proc: procs.Child, exited: threading.Event, direct: bool) -> None:
    """Before killing a child that timed out, have it print where it was: SIGABRT
    makes faulthandler (PYTHONFAULTHANDLER=1) write every thread's Python stack to
    the output, and only then does the process die, so the stack is there once it
    has ended. POSIX only, and only for a child the engine started itself: a
    sandboxed child is behind bwrap or another user (a signal would end the wrapper,
    not dump the child). Windows has no such signal: the timeout is reported
    without the stack."""
    if os.name != "posix" or not direct:
        return
    import signal

    try:
        os.kill(proc.pid, signal.SIGABRT)
    except OSError:
        return
    exited.wait(STACK_WAIT)  # learner code that catches SIGABRT only delays the kill


def _stuck_at(output: str, paths: Paths) -> str:
    """The learner's line a timed-out child was running, from faulthandler's dump
    (most recent call first), with that line's source."""
    for line in output.splitlines():
        m = re.match(r'\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?: in (?P<func>\S+))?', line)
        rel = paths.relative(m["file"]) if m else None
        if m and rel is not None:
            shown = f"{paths.shown(rel)}, line {m['line']}"
            if m["func"]:
                shown += f" in {m['func']}()"
            source = paths.source(rel, int(m["line"]))
            return shown + (f"\n    {source}" if source else "")
    return ""


def _crash_details(output: str, paths: Paths) -> tuple[str, str]:
    """What the dying process printed that helps: (libc's complaint, the learner's
    Python line from faulthandler's traceback), each "" when it printed none."""
    lines = []
    for line in output.splitlines():
        s = line.strip()
        if re.search(
            r"(free\(\)|double free|corrupted|malloc\(\)|stack smashing|AddressSanitizer|Assertion .* failed)", s
        ):
            lines.append(s)
    where = [
        paths.show(ln.strip()) for ln in output.splitlines() if ln.strip().startswith("File ") and paths.mentions(ln)
    ]
    return (lines[0] if lines else ""), (where[0].replace("File ", "", 1) if where else "")


def _learner_output(output: str, paths: Paths, keep: int = 2000) -> str:
    """The end of what the child printed, without the engine's and pytest's own
    stack frames: the learner's prints, the C library's complaints, and the
    traceback lines that are in the learner's files (shown with their paths)."""
    lines = []
    for line in output.splitlines():
        if line.strip().startswith("File ") and paths.mentions(line):
            lines.append(paths.show(line))
        elif not re.search(
            r'^\s*File "|^Extension modules:|^(Current thread|Thread) 0x|^Stack \(most recent|^\s*$', line
        ):
            lines.append(line)
    return "\n".join(lines)[-keep:]


def _death(
    run: _Run, test: str | None, paths: Paths, asan: list[str] | None = None, after_checks: bool = False
) -> TestResult:
    """The status and message for a child that did not finish on its own, while
    running ``test``, before any check started (None), or ``after_checks`` ended."""
    test = test.rsplit("::", 1)[-1] if test else test
    if after_checks:
        what = "after the checks, while the process shut down"
    elif not test:
        what = "before any check started"
    elif run.phase == proto.SETUP:
        what = f"while building or importing your code for {test}"
    else:
        what = f"while running {test}"
    name = PROCESS_EXIT if after_checks else test or STARTUP
    if run.stopped == "timeout":
        stuck = _stuck_at(run.output, paths)
        if stuck:
            where = (
                f"\nIt was stopped at: {stuck}\nLook at the loop this line is in: what should end it, "
                "and does it ever change?"
            )
        elif "Fatal Python error: Aborted" in run.output:  # a stack was dumped: no line of the learner's Python
            where = (
                " No line of your Python was running: it was inside C. Look at the loops of your C "
                "functions for a condition that never changes."
            )
        else:
            where = (
                " Look for a loop that never ends: in C a condition that never "
                "changes, in Python a `while` with no way out."
            )
        return TestResult(
            name, Status.TIMEOUT, f"still running after {run.limit:g} s {what}, so it was stopped." + where
        )
    sig = procs.crash_signal(run.returncode)
    said, running = _crash_details(run.output, paths)
    if asan:
        return TestResult(
            name,
            Status.CRASH,
            "\n".join(
                [
                    f"AddressSanitizer stopped the test process {what}.",
                    *_finding_lines(sanitizer.analyse(asan[0], paths), paths),
                    *([f"Your code was running: {running}"] if running else []),
                ]
            ),
        )
    if sig:
        happened, causes = procs.describe_signal(sig)
        details = ([f"The C library said: {said}"] if said else []) + (
            [f"Your code was running: {running}"] if running else []
        )
        return TestResult(
            name,
            Status.CRASH,
            "\n".join(
                [f"the test process was killed by {happened} [{sig}] {what}.", f"Common causes: {causes}.", *details]
            ),
        )
    if not test and run.returncode in (2, 3, 4):
        # pytest's own exit codes before any check: learner code has not run yet
        # (graders import it inside checks), so pytest could not start the grader.
        return TestResult(
            STARTUP,
            Status.ERROR,
            f"pytest could not start the grader (exit code {run.returncode}): a fault of the course "
            "or of its installation, not of your code. Its output is below; please report it.",
        )
    return TestResult(
        name,
        Status.ERROR,
        f"the test process ended early (exit code {run.returncode}) {what}. "
        "Something called exit(), os._exit() or sys.exit(); learner code must "
        "return, not end the process.",
    )


MAX_ASAN_RERUNS = 3  # per exercise graded: each costs a child (and the first a sanitized build)
_asan_env: dict | None = None
_asan_checked = False
_asan_lock = threading.Lock()


def _asan_for_reruns() -> dict | None:
    """sanitizer.prepare()'s environment, found once per engine process; None where
    the sanitizer cannot run (anything but Linux with gcc and CPython: macOS,
    Windows and PyPy report a crash without the rerun; sanitizer.py says why)."""
    global _asan_env, _asan_checked
    with _asan_lock:
        if not _asan_checked:
            _asan_checked = True
            try:
                _asan_env = sanitizer.prepare()
            except sanitizer.Unsupported:
                _asan_env = None
        return _asan_env


def _where_under_asan(
    test: str,
    env: dict,
    work: Path,
    run_dir: Path,
    settings: Settings,
    live: procs.LiveProcesses,
    readable: tuple[Path, ...],
    paths: Paths,
) -> str:
    """Run one crashed check again, alone, with the learner's C built under
    AddressSanitizer, and return its finding: the kind of fault and ``Where:`` the C
    function and the learner's line are, with that line's source. "" when the
    sanitizer cannot run here or found nothing (the crash may not repeat). The build
    it makes stays in the run folder (a sanitized build is for this only)."""
    asan = _asan_for_reruns()
    if asan is None:
        return ""
    n = len(list(run_dir.glob("asan-rerun-*.jsonl")))
    if n >= MAX_ASAN_RERUNS:
        return ""
    log = run_dir / f"asan-rerun-{n}"
    out = run_dir / "out-asan"  # shared by the reruns of one grade: the sanitized build is made once
    out.mkdir(exist_ok=True)
    # No address-space limit: the sanitizer reserves terabytes of shadow memory (memcheck does the same).
    rerun_env = dict(env, **sanitizer.child_env(asan, log), **{proto.BUILD_OUT: str(out), proto.MEMORY: "0"})
    slow = dataclasses.replace(
        settings,
        test_timeout=settings.test_timeout * sanitizer.SLOWDOWN,
        setup_timeout=settings.setup_timeout * sanitizer.SLOWDOWN,
    )
    run = _run_child(
        [test], rerun_env, work, run_dir / f"asan-rerun-{n}.jsonl", slow, live, ChildEvents(), readable, warm=False
    )
    if run.stopped == "interrupt":
        return ""
    reports = sanitizer.collect_reports(log)
    report = next((r for r in reports if "ERROR: AddressSanitizer: " in r), None)
    if report is None or sanitizer.signal_was_sent(report):
        # No finding (a report that the sanitizer itself failed to start is none), or a
        # signal the code sent itself (os.kill): not a memory access to locate.
        return ""
    finding = sanitizer.analyse(report, paths)
    found = dataclasses.replace(finding, access="", blocks=[], advice="")  # what and where only
    return "\n" + "\n".join(_finding_lines(found, paths, "Run again alone under AddressSanitizer, it found"))


def _finding_lines(finding: sanitizer.Finding, paths: Paths, found: str = "AddressSanitizer found") -> list[str]:
    """A sanitizer's finding in words, its ``Where:`` line followed by the source of
    the learner's line it names."""
    lines = finding.lines(found)
    if finding.where and finding.source:
        text = paths.source(*finding.source)
        lines[lines.index(finding.where)] += f"\n    {text}" if text else ""
    return lines


def exercise_key(ex: Exercise, files: dict[str, bytes | None]) -> str:
    parts: list[bytes | str] = [ex.id]
    for name in sorted(files):
        data = files[name]
        parts += [name, data if data is not None else b"\0missing"]
    return cache.digest(*parts)


def read_files(ex: Exercise, tree: Path) -> dict[str, bytes | None]:
    """The exercise's files in ``tree`` (None: not there). Raises files.Unusable for
    one that is there but is not a regular file in its lesson folder within the size
    limit (a FIFO, a device, a link out of the folder, a folder...): see files.py."""
    return {
        name: files_mod.read_file(tree, ex.lesson.dir, name, ex.max_file_bytes)
        for name in (*ex.files, *ex.lesson.support)
    }


def verdict_key(
    ex: Exercise, course_root: Path, files_key: str, display: str, settings: Settings, fingerprint: str
) -> str:
    grader = course_root / ex.grader
    try:
        grader_bytes = grader.read_bytes()
    except OSError:
        grader_bytes = b"\0missing grader"
    limits = (
        f"{ex.timeout or settings.test_timeout}:{settings.setup_timeout}:{settings.collect_timeout}:"
        f"{settings.memory_limit}:{'asan' if settings.sanitizer_env else ''}"
    )
    # The manifest entry whole (points, time limit, files, lesson...): a verdict
    # stores points, and one graded before `points` changed must not be found.
    # The sandbox too: code that reaches the network passes only without one.
    isolation = settings.sandbox.kind if settings.sandbox is not None else ""
    return cache.digest(files_key, grader_bytes, display, limits, repr(ex), isolation, fingerprint)


def _add_warnings(tests: list[TestResult], warned: list[str], not_run: list[TestResult]) -> None:
    """Add the compiler's warnings about the learner's own lines to the check the
    exercise's message is about, when it crashed, failed or timed out (not to one
    that did not run): a warning at `if (out = NULL)` is often the whole story of a segfault."""
    bad = [
        t for t in tests if t.status in (Status.CRASH, Status.TIMEOUT, Status.FAIL) and not any(t is n for n in not_run)
    ]
    if any(t.status == Status.ERROR for t in tests) or not bad:
        return
    target = next(t for status in (Status.CRASH, Status.TIMEOUT, Status.FAIL) for t in bad if t.status == status)
    target.message += "\nThe C compiler warned about your code (a warning is often the cause):\n" + "\n".join(warned)


def _summarise(tests: list[TestResult]) -> tuple[Status, str]:
    """The exercise's status and message: its worst check's."""
    if not tests:
        return Status.ERROR, "the grader ran no checks (a fault of the course: please report it)."
    bad = [t for t in tests if t.status not in (Status.PASS, Status.SKIP)]
    if not bad:
        if all(t.status == Status.SKIP for t in tests):
            return Status.SKIP, "cannot run on this machine: " + tests[0].message
        return Status.PASS, ""
    for status in (Status.ERROR, Status.CRASH, Status.TIMEOUT, Status.FAIL):
        hit = next((t for t in bad if t.status == status), None)
        if hit:
            return status, hit.message
    return bad[0].status, bad[0].message


def grade(
    ex: Exercise,
    course_root: Path,
    tree: Path,
    display: str,
    cache_root: Path,
    settings: Settings,
    fingerprint: str,
    live: procs.LiveProcesses,
) -> ExerciseResult:
    began = time.time()
    try:
        files = read_files(ex, tree)
    except files_mod.Unusable as exc:
        # "error", not "missing": the file is there (the learner sees it), but the
        # checks cannot run on it. Not cached: refusing it costs a stat.
        return ExerciseResult(
            ex.id, ex.lesson.id, Status.ERROR, 0, ex.points, exc.message(display, ex.lesson.dir, ex.id)
        )
    missing = [name for name in ex.files if files.get(name) is None]
    if missing:
        shown = ", ".join(f"{display}/{ex.lesson.dir}/{m}" for m in missing)
        return ExerciseResult(
            ex.id,
            ex.lesson.id,
            Status.MISSING,
            0,
            ex.points,
            f"{shown} is missing. Restore the starter files with `nox -s reset -- {ex.id}` "
            "(it backs up the exercise's other files first) and try again.",
        )
    files_key = exercise_key(ex, files)
    key = verdict_key(ex, course_root, files_key, display, settings, fingerprint)
    verdict_path = cache.verdict_path(cache_root, key)
    if settings.use_cache:
        result = _cached_verdict(ex, verdict_path)
        if result is not None:
            result.files_key = files_key
            return result

    result, fault, blame = _attempt(ex, course_root, files, files_key, display, cache_root, settings, live)
    if fault and blame != "machine" and result.status != Status.INTERRUPTED:
        # A fault of the cache, not of the learner's code: repair the cache (its
        # tag and folders; the bytecode, when it may be to blame, is dropped whole)
        # and grade once more. The second verdict is the learner's own.
        try:
            cache.claim(cache_root)
            if blame == "bytecode":
                for prefix in (cache.PYCACHE, cache.PYCACHE_SANDBOXED):
                    shutil.rmtree(cache_root / prefix, ignore_errors=True)
            result, fault, blame = _attempt(ex, course_root, files, files_key, display, cache_root, settings, live)
        except (OSError, cache.CacheError) as exc:
            fault = f"{fault}; the cache could not be repaired ({type(exc).__name__}: {exc})"
    result.seconds = round(time.time() - began, 3)
    result.files_key = files_key
    if fault and result.status != Status.INTERRUPTED:
        return _fault_result(ex, result, fault, blame, cache_root)
    if result.status != Status.INTERRUPTED:
        entry = result.to_json()
        if result.status == Status.SKIP:
            entry[MACHINE] = cache.machine_stamp()  # _cached_verdict says why
        try:
            cache.write_json_atomic(verdict_path, entry)
        except OSError:
            pass  # the cache became unwritable: this verdict is not kept, the grade stands
    return result


MACHINE = "machine"  # in a kept skip verdict: cache.machine_stamp() when it was decided


def _cached_verdict(ex: Exercise, verdict_path: Path) -> ExerciseResult | None:
    """The stored verdict for this key, if whole and about this exercise. Its
    points come from the manifest, never from the entry."""
    data = cache.read_json(verdict_path)
    if not isinstance(data, dict) or data.get("id") != ex.id or data.get("status") not in VERDICTS:
        return None
    # A skip says what this machine lacked (a lesson's tool, zlib, a shared libpython), not
    # what the files are worth: once the learner has installed it (`nox -s grade -- 17`
    # installs lesson 17's tools), the checks must run. Served only while the machine's
    # stamp is the one it was decided with.
    machine = data.pop(MACHINE, None)
    if data["status"] == Status.SKIP and machine != cache.machine_stamp():
        return None
    result = ExerciseResult.from_json(data)
    if result is None:
        return None  # an entry from another engine version: grade again
    result.cached = True
    result.max_points = ex.points
    result.points = ex.points if result.status == Status.PASS else 0
    return result


def _attempt(
    ex: Exercise,
    course_root: Path,
    files: dict[str, bytes | None],
    files_key: str,
    display: str,
    cache_root: Path,
    settings: Settings,
    live: procs.LiveProcesses,
) -> tuple[ExerciseResult, str, str]:
    """Grade once in a new run folder: (result, fault, blame). ``fault`` says what
    went wrong with the cache or the machine ("" if nothing did; then ``result`` is
    not the learner's verdict), ``blame`` what to repair (see _fault_of)."""
    tagged = cache.is_ours(cache_root)  # (a caller may grade in a cache it has not claimed: cache.open_cache)
    try:
        run_dir = cache.new_run(cache_root)
    except OSError as exc:
        return (
            ExerciseResult(ex.id, ex.lesson.id, Status.ERROR, 0, ex.points, ""),
            f"no run folder could be made in the cache ({type(exc).__name__}: {exc.strerror or exc})",
            "cache",
        )
    try:
        result = _grade_in(ex, course_root, files, files_key, run_dir, display, cache_root, settings, live)
        return (result, *_fault_of(result, run_dir, cache_root, tagged))
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
        # Bytecode of the scratch copy, written under the cache's pycache prefix
        # (which mirrors absolute paths): it would never be read again.
        shutil.rmtree(cache.bytecode_of(cache_root, run_dir), ignore_errors=True)


def _fault_of(result: ExerciseResult, run_dir: Path, cache_root: Path, tagged: bool) -> tuple[str, str]:
    """Whether a grade failed for a reason that is not the learner's code, told by
    kind, and what is to blame ("cache", "bytecode", "engine" or "machine"): the run folder or
    the cache's tag vanished under it; a check reported a fault of the cache
    (plugin: cache.child_fault); the build failed on a machine without the C
    compiler; or the grader never got to run any learner code (it is imported
    inside checks, so a failure before the first check is the course's, the
    cache's or the machine's: a damaged .pyc of pytest or of the engine, a sandbox
    that did not start, a machine too busy to start it)."""
    if result.status in (Status.PASS, Status.INTERRUPTED, Status.MISSING):
        return "", ""
    if not run_dir.is_dir() or (tagged and not cache.is_ours(cache_root)):
        return f"the cache folder {cache_root} was removed or changed while this exercise was graded", "cache"
    hit = next((t for t in result.tests if t.kind == "cache"), None)
    if hit is not None:
        return hit.message, "bytecode"
    hit = next((t for t in result.tests if t.kind == "engine"), None)
    if hit is not None:
        return hit.message, "engine"  # graded again: the next children start without the server
    compiler = _missing_compiler() if any(t.kind == "compile" for t in result.tests) else ""
    if compiler and os.environ.get("CC"):
        return (
            f"the environment variable CC names the C compiler `{compiler}`, which is not installed or not "
            "on PATH: unset CC or set it to an installed compiler. `nox -s doctor` checks it"
        ), "machine"
    if compiler:
        return (
            f"this machine has no C compiler: `{compiler}` is not installed or not on PATH. "
            "`nox -s doctor` says what to install"
        ), "machine"
    if result.status != Status.FAIL and all(t.name == STARTUP for t in result.tests):
        return "the grader stopped before any check started, before any of your code ran", "bytecode"
    return "", ""


def _missing_compiler() -> str:
    """The C compiler's command if it is not on this machine, else "". It is the one
    setuptools runs for cffi: $CC, else the one Python was built with. Windows: ""
    (MSVC is found through the registry and vswhere, not PATH; doctor checks it)."""
    if os.name == "nt":
        return ""
    import shlex
    import sysconfig

    try:
        words = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    except ValueError:
        return ""
    return words[0] if words and shutil.which(words[0]) is None else ""


def _fault_result(ex: Exercise, result: ExerciseResult, fault: str, blame: str, cache_root: Path) -> ExerciseResult:
    """What the learner sees when a fault happened (twice, for the cache's): what it
    was, that it is not their code, and what to do. Never cached, never scores."""
    if blame == "machine":
        message = f"Not your code: {fault}. This result is not kept: grade again once that is fixed."
    else:
        message = (
            f"Not your code: {fault}. It happened twice: a fault of the grading cache ({cache_root}), of this "
            "machine or of the course, so this result is not kept. Grade again; if it happens again, delete "
            "that cache folder (it holds nothing of yours), and if that does not help, report it."
        )
    if result.message:
        message += "\nWhat the grader said: " + result.message
    return dataclasses.replace(
        result, status=Status.ERROR, points=0, max_points=ex.points, message=message, cached=False
    )


def _grade_in(
    ex: Exercise,
    course_root: Path,
    files: dict[str, bytes | None],
    files_key: str,
    run_dir: Path,
    display: str,
    cache_root: Path,
    settings: Settings,
    live: procs.LiveProcesses,
) -> ExerciseResult:
    tree = run_dir / "tree"
    lesson_dir = tree / ex.lesson.dir
    lesson_dir.mkdir(parents=True)
    for name, data in files.items():
        if data is not None:
            target = lesson_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    work = run_dir / "work"  # the child's working folder: stray writes land here
    work.mkdir()
    # What the child builds goes here; the engine publishes it into the cache after
    # each child (the child never writes the cache, sandboxed or not: one code path).
    out = run_dir / "out"
    out.mkdir()
    sandbox = settings.sandbox
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", proto.PREFIX))}
    env.pop("PYTHONSTARTUP", None)
    # Bytecode goes to the cache (PYTHONPYCACHEPREFIX below), never next to the
    # learner's files; so it may be written even where the user's environment
    # says not to, and the child's imports (pytest alone is ~1 s uncached) stay fast.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        {
            proto.SCRATCH_TREE: str(tree),
            proto.DISPLAY_TREE: display,
            proto.EXERCISE: ex.id,
            proto.FILES_KEY: files_key,
            proto.CACHE: str(cache_root),
            proto.MEMORY: str(settings.memory_limit),
            proto.BUILD_OUT: str(out),
        }
    )
    env.update(
        PYTHONPYCACHEPREFIX=str(cache_root / cache.PYCACHE),
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",  # graders need no third-party plugins: faster, isolated
        PYTHONUNBUFFERED="1",
        PYTHONFAULTHANDLER="1",
        PYTHONIOENCODING="utf-8",
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    )
    uid = None
    if sandbox is not None and sandbox.isolated:
        # Learner code must not write bytecode that later grades run: a sandboxed
        # child reads a prefix of its own that only the engine writes (warm_pycache),
        # and keeps its home and temporary files in its run folder.
        for sub in ("home", "tmp"):
            (run_dir / sub).mkdir()
        env.update(
            PYTHONPYCACHEPREFIX=str(cache_root / cache.PYCACHE_SANDBOXED),
            HOME=str(run_dir / "home"),
            TMPDIR=str(run_dir / "tmp"),
        )
        sandbox_mod.warm_pycache(cache_root / cache.PYCACHE_SANDBOXED, env)
        if sandbox.kind == "user":
            uid = sandbox.acquire_uid()
            sandbox_mod.hand_over(run_dir, uid)
    try:
        return _grade_children(
            ex,
            course_root,
            files,
            files_key,
            run_dir,
            display,
            cache_root,
            _run_settings(ex, settings),
            live,
            env,
            work,
            out,
            tree,
            uid,
        )
    finally:
        if uid is not None and sandbox is not None:
            sandbox.release_uid(uid)


def _run_settings(ex: Exercise, settings: Settings) -> Settings:
    return dataclasses.replace(settings, test_timeout=(ex.timeout or settings.test_timeout) * settings.slowdown)


def _grade_children(
    ex: Exercise,
    course_root: Path,
    files: dict[str, bytes | None],
    files_key: str,
    run_dir: Path,
    display: str,
    cache_root: Path,
    settings: Settings,
    live: procs.LiveProcesses,
    env: dict,
    work: Path,
    out: Path,
    tree: Path,
    uid: int | None,
) -> ExerciseResult:
    readable = (ROOT, course_root, cache_root)
    asan_log = run_dir / "asan"
    if settings.sanitizer_env:
        env.update(sanitizer.child_env(settings.sanitizer_env, asan_log))
    grader = str(course_root / ex.grader)
    paths = Paths(tree, display)  # the scratch copy's paths shown as the learner's
    events = ChildEvents()
    results = events.results  # what the checks reported, and what the engine gives those that could not
    not_run: list[TestResult] = []  # checks given a "not run" note: another check stopped them all
    output = ""
    for attempt in range(64):
        events_path = run_dir / f"events-{attempt}.jsonl"
        # Reruns name the tests still to run (``--deselect`` would match by prefix
        # and drop test_add_negative along with test_add).
        args = [grader] if not results else [str(Path(grader).parent / n) for n in events.order if n not in results]
        run = _run_child(args, env, work, events_path, settings, live, events, readable, uid)
        # Builds the child made, published by the engine now that it has ended.
        build_mod.publish_builds(out, cache_root, files_key)
        shlib.publish_libs(out, cache_root, files)
        asan = sanitizer.collect_reports(asan_log) if settings.sanitizer_env else []
        if run.stopped == "interrupt":
            return ExerciseResult(ex.id, ex.lesson.id, Status.INTERRUPTED, 0, ex.points, "interrupted")
        if run.lost:
            lost = "the process that starts the grading children (the fork server) died while a child ran"
            return ExerciseResult(
                ex.id,
                ex.lesson.id,
                Status.ERROR,
                0,
                ex.points,
                lost,
                tests=[TestResult(STARTUP, Status.ERROR, lost, kind="engine")],
            )
        if events.collect_error is not None:
            return ExerciseResult(
                ex.id,
                ex.lesson.id,
                Status.ERROR,
                0,
                ex.points,
                "the grader could not load:\n" + events.collect_error,
                output=run.output[-2000:],
            )
        order, current = events.order, events.current
        if events.done and run.stopped is None:
            sig = procs.crash_signal(run.returncode)
            if sig or asan:  # every check ran, then the process died on its way out
                results[PROCESS_EXIT] = _death(run, None, paths, asan, after_checks=True)
                output = _learner_output(run.output, paths)
            elif events.exitstatus in (3, 4):
                return ExerciseResult(
                    ex.id,
                    ex.lesson.id,
                    Status.ERROR,
                    0,
                    ex.points,
                    "the grader itself failed (a fault of the course: please report it):\n" + run.output[-1500:],
                )
            # pytest ended the run before every check did: something in the process called
            # pytest.exit() or raised KeyboardInterrupt. A check that never ended is not a pass.
            ended = None if current is None else current.rsplit("::", 1)[-1]
            for name in order:
                if name not in results:
                    results[name] = TestResult(
                        name,
                        Status.ERROR,
                        (
                            f"the test process stopped its checks early (pytest's exit status {events.exitstatus}) "
                            + (f"while running {ended}" if ended else "before this check")
                            + ". Something called "
                            "pytest.exit() or raised KeyboardInterrupt; learner code must return, not end the run."
                        ),
                    )
            break
        death = _death(run, current, paths, asan)
        # A time-out's stack dump (_dump_stack) is in the message already, not the learner's output.
        output = _learner_output(
            run.output.split("Fatal Python error: Aborted")[0] if run.stopped == "timeout" else run.output, paths
        )
        if current is None:
            # Died before collecting, or between tests: nothing more will run well.
            for name in order or [STARTUP]:
                results.setdefault(name, TestResult(name, death.status, death.message))
            break
        if death.status == Status.CRASH and not asan and not settings.sanitizer_env and uid is None:
            death.message += _where_under_asan(
                str(Path(grader).parent / current), env, work, run_dir, settings, live, readable, paths
            )
        results[current] = death
        if run.phase in (None, proto.SETUP):
            note = f"not run: {current} stopped while preparing the learner's code, which every check needs"
            for name in order:
                if name not in results:
                    results[name] = TestResult(name, death.status, note)
                    not_run.append(results[name])
            break
        if death.status == Status.TIMEOUT:
            # One time-out is enough to act on: the next checks would most likely
            # run into the same loop and cost a full time limit each.
            shown = current.rsplit("::", 1)[-1]
            note = (
                f"not run: {shown} reached the time limit first, and one time-out is enough "
                "to act on. Fix that and grade again."
            )
            for name in order:
                if name not in results:
                    results[name] = TestResult(name, Status.TIMEOUT, note)
                    not_run.append(results[name])
            break
        if order and all(name in results for name in order):
            break
    for name, texts in events.callback_errors.items():
        hit = results.get(name)
        if hit is not None and hit.status != Status.PASS:
            # Whatever the check then said (a wrong total, a crash), the exception is often why.
            hit.message += "".join(
                "\nA Python exception was raised inside your callback, called from C: cffi printed it and gave C "
                f"the callback's error value instead (0 unless you passed error=...):\n{text}"
                for text in texts[:2]
            )
    order = events.order
    ordered = [results[n] for n in order if n in results] + [r for n, r in results.items() if n not in order]
    for t in ordered:  # "tests/01_setup/test_hello.py::test_add" -> "test_add"
        t.name = t.name.rsplit("::", 1)[-1]
    if events.warnings:
        _add_warnings(ordered, events.warnings, not_run)
    status, message = _summarise(ordered)
    return ExerciseResult(
        ex.id,
        ex.lesson.id,
        status,
        ex.points if status == Status.PASS else 0,
        ex.points,
        message,
        ordered,
        output=output if status in (Status.CRASH, Status.TIMEOUT, Status.ERROR) else "",
    )
