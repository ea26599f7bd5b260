"""What does one call from Python into C cost on this machine? Prints a table; asserts nothing.

    python benchmarks/call_overhead.py            (needs cffi, setuptools and a C compiler)
    python benchmarks/call_overhead.py --quick    (fewer calls: a rough figure in seconds)

The same trivial C function, ``int add(int a, int b)``, is called a million
times each way: through an API-mode module (compiled by cffi), through ABI mode
(``ffi.dlopen`` of a shared library holding the same code), through ctypes
(with and without ``argtypes``), and a pure Python ``def`` for scale. Then the
same sum over a million ints, once as a million C calls and once as one C call
over the whole buffer (``ffi.from_buffer``). Last, four jobs run one after the
other and then on four threads: a C call that waits (CFFI releases the GIL
during it, so the threads overlap) and a pure Python loop (they do not).

Each figure is the best of ``--repeat`` runs (the least disturbed by the rest
of the machine). Lesson 12 shows one machine's table: rerun this on yours, the
ratios matter more than the numbers. Everything is built in a temporary folder.
"""

from __future__ import annotations

import argparse
import array
import ctypes
import platform
import sys
import tempfile
import threading
import time
import timeit
from pathlib import Path

C_SOURCE = """
#ifdef _WIN32
#include <windows.h>
void nap(int ms) { Sleep((DWORD)ms); }
#else
#include <time.h>
void nap(int ms)
{
    struct timespec t;
    t.tv_sec = ms / 1000;
    t.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&t, NULL);
}
#endif
int add(int a, int b) { return a + b; }
long long sum_ints(const int *values, long long n)
{
    long long total = 0;
    for (long long i = 0; i < n; i++)
        total += values[i];
    return total;
}
"""
CDEF = "int add(int a, int b); long long sum_ints(const int *values, long long n); void nap(int ms);"


def build(folder: Path):
    """The API-mode module and the shared library for ABI mode and ctypes."""
    import importlib

    import cffi

    api = cffi.FFI()
    api.cdef(CDEF)
    api.set_source("_bench_api", C_SOURCE)
    api.compile(tmpdir=str(folder))
    sys.path.insert(0, str(folder))
    module = importlib.import_module("_bench_api")

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from grader.shlib import build_shared_library  # the course's portable shared-library builder

    (folder / "bench.c").write_text(C_SOURCE)
    library = build_shared_library("bench", [folder / "bench.c"], ["add", "sum_ints"], folder / "libs")
    return module, library


def best(func, number: int, repeat: int, stmt: str = "f(1, 2)") -> float:
    """Seconds per call of ``func(1, 2)``, best of ``repeat`` runs of ``number`` calls
    (a statement string, so that no Python wrapper is timed along with the call).
    With ``stmt="f.add(1, 2)"``, ``func`` is a ``lib`` and the attribute lookup is timed too."""
    return min(timeit.repeat(stmt, globals={"f": func}, number=number, repeat=repeat)) / number


def wall(jobs, threads: bool, repeat: int) -> float:
    """Seconds to run the callables ``jobs``, one after the other or one thread each (best of ``repeat``)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        if threads:
            workers = [threading.Thread(target=job) for job in jobs]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
        else:
            for job in jobs:
                job()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--number", type=int, default=1_000_000, help="calls per run (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure; the best is kept (default 7)")
    parser.add_argument("--quick", action="store_true", help="100,000 calls, 3 runs")
    args = parser.parse_args()
    number, repeat = (100_000, 3) if args.quick else (args.number, args.repeat)

    import cffi

    with tempfile.TemporaryDirectory(prefix="cffi-course-calls-") as tmp:
        module, library = build(Path(tmp))
        api_add = module.lib.add

        abi = cffi.FFI()
        abi.cdef(CDEF)
        abi_lib = abi.dlopen(str(library))
        abi_add = abi_lib.add

        ct_plain = ctypes.CDLL(str(library)).add
        ct_typed = ctypes.CDLL(str(library)).add
        ct_typed.argtypes = [ctypes.c_int, ctypes.c_int]
        ct_typed.restype = ctypes.c_int

        def py_add(a, b):
            return a + b

        rows = [
            ("cffi API mode (`lib.add`)", api_add, "f(1, 2)"),
            ("cffi API mode, `lib.add(1, 2)` looked up at each call", module.lib, "f.add(1, 2)"),
            ("cffi ABI mode (`ffi.dlopen`)", abi_add, "f(1, 2)"),
            ("cffi ABI mode, `lib.add(1, 2)` looked up at each call", abi_lib, "f.add(1, 2)"),
            ("ctypes, no `argtypes`", ct_plain, "f(1, 2)"),
            ("ctypes with `argtypes`/`restype`", ct_typed, "f(1, 2)"),
            ("pure Python `def`", py_add, "f(1, 2)"),
        ]
        print(
            f"{platform.python_implementation()} {platform.python_version()}, cffi {cffi.__version__}, "
            f"{platform.machine()} {platform.system()}; best of {repeat} x {number:,} calls"
        )
        print()
        print("| how | ns per call |")
        print("|---|---|")
        for label, func, stmt in rows:
            print(f"| {label} | {best(func, number, repeat, stmt) * 1e9:.0f} |", flush=True)

        values = array.array("i", range(number))
        ffi = module.ffi
        lib = module.lib
        view = ffi.from_buffer("int[]", values)
        expected = sum(values)

        def per_element():
            total = 0
            for i in range(len(view)):
                total += lib.sum_ints(view + i, 1)
            return total

        def batched():
            return lib.sum_ints(view, len(view))

        assert per_element() == batched() == expected
        runs = max(1, repeat // 2)
        loop = min(timeit.repeat(per_element, number=1, repeat=runs))
        one = min(timeit.repeat(batched, number=1, repeat=repeat))
        print()
        print(f"| summing {number:,} ints | ms |")
        print("|---|---|")
        print(f"| one C call per element (a Python loop) | {loop * 1e3:.1f} |")
        print(f"| one C call over the whole buffer (`ffi.from_buffer`) | {one * 1e3:.2f} |")

        def count_up(n=2_000_000):
            while n:
                n -= 1

        waits = [lambda: lib.nap(50)] * 4
        loops = [count_up] * 4
        runs = 2 if args.quick else 3
        print()
        print("| 4 jobs | one after the other, ms | on 4 threads, ms |")
        print("|---|---|---|")
        print(
            f"| C waits 50 ms (`lib.nap(50)`) | {wall(waits, False, runs) * 1e3:.0f} | "
            f"{wall(waits, True, runs) * 1e3:.0f} |",
            flush=True,
        )
        print(f"| a pure Python loop | {wall(loops, False, runs) * 1e3:.0f} | {wall(loops, True, runs) * 1e3:.0f} |")


if __name__ == "__main__":
    main()
