"""Grader for 12_performance/parallel: threads that run C at the same time.

parallel_build.py (given) compiles ``_parallel_cffi`` with
``slow_square(x, ms)``, which sleeps ``ms`` milliseconds inside C and returns
``x * x``, and which counts in C, atomically, its calls and the most threads
that were ever inside it at once (``peak_inside()``). parallel.py's
``run_parallel(jobs, threads)`` must return ``[x * x for x, ms in jobs]`` in
the order of the jobs (the grader gives the first jobs the longest waits, so
that finishing order differs), call C exactly once per job in this process
(not in other processes), be finished when it returns, and overlap the calls:
the high-water mark must be at least 2 when two threads and two jobs allow it,
and never more than ``threads``. A sequential loop, or a lock held around the
C call, gives a high-water mark of 1.

That the calls overlap must not depend on how busy the machine is, so no time is
measured: in the overlap checks a spy stands in for ``lib``, and its slow_square holds
the first call (in Python, the GIL released) until a second thread has entered
slow_square too, then lets both into C. Two threads in there at once prove the overlap;
a solution that runs one job at a time never brings a second thread, and after MEET
seconds the spy stops waiting and the rest of the calls go straight to C.
"""

from __future__ import annotations

import threading

import pytest

from grader.testing import LibSpy, install_lib_spy

BUILDER = "parallel_build.py"
MEET = 3.0  # seconds the first call waits for a second thread (a correct solution brings one at once)


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def parallel_module(exercise, built):
    return exercise.import_module("parallel")


def _show_jobs(jobs) -> str:
    if len(jobs) <= 4:
        return repr(jobs)
    return f"[{jobs[0]!r}, {jobs[1]!r}, ... {len(jobs)} jobs]"


class _Meeting(LibSpy):
    """Stands in for lib: the first slow_square call waits for a second one before either enters C.

    With ``newest_first``, a call also returns only once every call that started after it has
    returned: jobs that overlap then finish in the reverse of the order they started, on every
    run, so a solution that collects results in finishing order is caught without luck."""

    def __init__(self, lib, newest_first=False):
        super().__init__(lib)
        self._cond = threading.Condition()
        self._inside = 0
        self.met = False
        self._gave_up = False
        self._newest_first = newest_first
        self._started = 0
        self._running: set[int] = set()

    def wrap(self, name, target):
        if name != "slow_square":
            return super().wrap(name, target)

        def slow_square(*args):
            with self._cond:
                self._inside += 1
                self._started += 1
                me = self._started
                self._running.add(me)
                self._cond.notify_all()
                if not (self.met or self._gave_up):
                    # Two threads in here at once are the proof of overlap; the timeout only ends the
                    # wait of a one-at-a-time solution, which would otherwise wait forever.
                    if self._cond.wait_for(lambda: self._inside >= 2 or self.met, timeout=MEET):
                        self.met = True
                    else:
                        self._gave_up = True
            try:
                return target(*args)
            finally:
                with self._cond:
                    if self._newest_first:
                        # The newest running call never waits, so this always ends.
                        self._cond.wait_for(lambda: max(self._running) == me)
                    self._running.discard(me)
                    self._inside -= 1
                    self._cond.notify_all()

        slow_square.__name__ = name
        return slow_square


class _OtherAnswer(LibSpy):
    """Stands in for lib: slow_square answers x * x + OFFSET, not the square. run_parallel that runs the jobs in C
    and then returns [x * x for x, ms in jobs], computed again in Python, returns the right list for every real
    job; only this tells it from one that returns what C returned."""

    OFFSET = 1000

    def wrap(self, name, target):
        call = super().wrap(name, target)
        if name != "slow_square":
            return call
        return lambda *args: call(*args) + self.OFFSET


@pytest.fixture
def meeting(parallel_module, built, monkeypatch):
    """Put the meeting spy wherever parallel.py can reach slow_square (grader.testing.install_lib_spy)."""
    return install_lib_spy(parallel_module, built, monkeypatch, _Meeting(built.lib))


@pytest.fixture
def newest_first(parallel_module, built, monkeypatch):
    """The meeting spy, and overlapping calls return newest first."""
    return install_lib_spy(parallel_module, built, monkeypatch, _Meeting(built.lib, newest_first=True))


def _run(parallel_module, built, jobs, threads):
    """Call run_parallel with fresh C counters: (call text, result, calls, peak, inside)."""
    func = getattr(parallel_module, "run_parallel", None)
    if not callable(func):
        pytest.fail(
            "parallel.py has no function `run_parallel`: keep the `def run_parallel(jobs, threads):` of "
            "the starter file."
        )
    call = f"run_parallel({_show_jobs(jobs)}, threads={threads})"
    lib = built.lib
    lib.reset_counts()
    try:
        got = func(list(jobs), threads)
    except NotImplementedError:
        pytest.fail(f"{call} raised NotImplementedError: replace the TODOs in run_parallel() with your code.")
    except Exception as exc:
        pytest.fail(f"{call} raised {type(exc).__name__}: {exc}")
    return call, got, lib.total_calls(), lib.peak_inside(), lib.inside_now()


def _check_results(call, got, calls, inside, jobs) -> None:
    expected = [x * x for x, _ in jobs]
    if calls == 0 and jobs:
        pytest.fail(
            f"{call}: C counted no call of slow_square in this process, expected {len(jobs)}. The jobs "
            "must run in this process, on threads: other processes (multiprocessing, "
            "ProcessPoolExecutor) have their own copy of the C library, and need no GIL release to run "
            "side by side. Use threads, and call lib.slow_square(x, ms) for each job."
        )
    if not isinstance(got, list) or got != expected:
        hint = ""
        if isinstance(got, list) and sorted(got) == sorted(expected):
            hint = (
                " The right results, in the wrong order: that is the order in which the jobs finished (the "
                "first jobs wait longest). Keep the order of the jobs: executor.map() does, "
                "as_completed() does not."
            )
        elif not isinstance(got, list):
            hint = " Return a list (list(executor.map(...)) for instance)."
        pytest.fail(f"{call} returned {got!r}, expected {expected!r}.{hint}")
    if calls != len(jobs):
        pytest.fail(
            f"{call} returned the right list, but C counted {calls} calls of slow_square, expected "
            f"{len(jobs)}: one per job, each job computed exactly once."
        )
    if inside != 0:
        pytest.fail(
            f"{call} returned while {inside} calls of slow_square were still running in C. Wait for "
            "every job before returning (leaving a `with ThreadPoolExecutor(...)` block waits for all)."
        )


def _overlap_message(call, peak) -> str:
    return (
        f"{call} returned the right list, but the calls never overlapped: at most {peak} thread was inside "
        "slow_square at any moment, expected at least 2. CFFI releases the GIL during each C call, so "
        "threads can wait in C side by side; a loop that runs the jobs one after the other, or a lock "
        "held around lib.slow_square, keeps them in single file. Submit the jobs to a "
        "ThreadPoolExecutor(max_workers=threads), with no lock around the C call."
    )


def test_results_in_order(parallel_module, built, newest_first):
    jobs = [(x, 15 * (6 - x)) for x in range(7)]  # the first jobs wait longest (and the spy makes sure)
    call, got, calls, _, inside = _run(parallel_module, built, jobs, 3)
    _check_results(call, got, calls, inside, jobs)


def test_results_are_what_c_returned(parallel_module, built, monkeypatch):
    install_lib_spy(parallel_module, built, monkeypatch, _OtherAnswer(built.lib))
    jobs = [(3, 0), (4, 0), (5, 0)]
    call, got, calls, _, _ = _run(parallel_module, built, jobs, 2)
    answers = [x * x + _OtherAnswer.OFFSET for x, _ in jobs]
    if calls == 0:
        pytest.fail(
            f"{call}: C counted no call of slow_square in this process, expected {len(jobs)}. Call "
            "lib.slow_square(x, ms) for each job, on threads."
        )
    if got != answers:
        again = (
            " Those are the right squares, but not the numbers C returned: run_parallel computed them again in Python."
            if got == [x * x for x, _ in jobs]
            else ""
        )
        pytest.fail(
            f"{call} returned {got!r}, while the grader's stand-in for lib.slow_square returned "
            f"{answers!r} (x * x + {_OtherAnswer.OFFSET}: numbers of its own, to see whose numbers come "
            f"back).{again} Return the results of the lib.slow_square calls, in the order of the jobs."
        )


def test_calls_overlap(parallel_module, built, meeting):
    jobs = [(x, 60) for x in range(8)]
    call, got, calls, peak, inside = _run(parallel_module, built, jobs, 4)
    _check_results(call, got, calls, inside, jobs)
    if peak > 4:
        pytest.fail(
            f"{call}: {peak} threads were inside slow_square at the same moment, expected at most "
            "4, the number of threads asked for. Give your pool max_workers=threads."
        )
    if not meeting.met:
        pytest.fail(_overlap_message(call, peak))


def test_thread_limit(parallel_module, built):
    for threads, count in ((2, 6), (3, 9)):
        jobs = [(x, 40) for x in range(count)]
        call, got, calls, peak, inside = _run(parallel_module, built, jobs, threads)
        _check_results(call, got, calls, inside, jobs)
        if peak > threads:
            pytest.fail(
                f"{call}: {peak} threads were inside slow_square at the same moment, expected at most "
                f"{threads}. run_parallel must not start more than `threads` workers: "
                "ThreadPoolExecutor(max_workers=threads); its default is min(32, CPUs + 4)."
            )


def test_one_thread(parallel_module, built):
    jobs = [(x, 20) for x in (3, 1, 2)]
    call, got, calls, peak, inside = _run(parallel_module, built, jobs, 1)
    _check_results(call, got, calls, inside, jobs)
    if peak != 1:
        pytest.fail(
            f"{call}: {peak} threads were inside slow_square at the same moment, expected 1 with "
            "threads=1. Give your pool max_workers=threads."
        )


def test_more_threads_than_jobs(parallel_module, built, meeting):
    jobs = [(-7, 60), (46341, 60), (2**31 - 1, 60)]
    call, got, calls, peak, inside = _run(parallel_module, built, jobs, 8)
    _check_results(call, got, calls, inside, jobs)
    if not meeting.met:
        pytest.fail(_overlap_message(call, peak))


def test_no_jobs(parallel_module, built):
    call, got, calls, _, inside = _run(parallel_module, built, [], 4)
    _check_results(call, got, calls, inside, [])
