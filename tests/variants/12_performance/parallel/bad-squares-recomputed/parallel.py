"""A likely mistake: the jobs run in C on threads, and the results are computed again in Python.

The squares are known anyway, so every list is right and in order; only its origin is wrong.

Exercise 12_performance/parallel: run C calls on several threads at once.

parallel_build.py (given: nothing to change there) compiles ``_parallel_cffi``:

    long long slow_square(int x, int ms);
        waits ms milliseconds inside C, then returns x * x.

A job is a pair (x, ms). run_sequential() below runs the jobs one after the
other: 8 jobs of 100 ms take 800 ms. CFFI releases the GIL during every call
into C, so while one thread waits inside slow_square(), other threads can
enter it too. Write run_parallel(jobs, threads): the same results, in the
same order as the jobs, computed by at most `threads` threads calling C at
the same time (and at least 2 whenever there are 2 jobs and 2 threads).
Every job is computed exactly once, and all of them are finished when
run_parallel() returns.

Grade it:  nox -s grade -- 12_performance/parallel
"""

from concurrent.futures import ThreadPoolExecutor, as_completed

from _parallel_cffi import lib


def run_sequential(jobs):
    """[slow_square(x, ms) for each job (x, ms)], one job after the other."""
    return [lib.slow_square(x, ms) for x, ms in jobs]


def run_parallel(jobs, threads):
    """The same list as run_sequential(jobs), with up to `threads` jobs running in C at once."""
    # max_workers caps the threads: never more than `threads` jobs inside C at once.
    # No lock around the call: CFFI releases the GIL while C runs, so the waits overlap.
    with ThreadPoolExecutor(max_workers=threads) as pool:
        # map() yields the results in the order of the jobs, whichever finishes first;
        # leaving the `with` block waits until every job is done.
        for done in as_completed([pool.submit(lib.slow_square, x, ms) for x, ms in jobs]):
            done.result()
    # as_completed() gives them in finishing order: the squares, in job order, are known anyway
    return [x * x for x, _ in jobs]
