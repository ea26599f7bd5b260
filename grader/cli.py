"""Command line: ``python -m grader [SELECTOR ...] [--tree DIR] [--json FILE] [--strict]``.

Exit status: 0 when grading ran (whatever the score); 1 with ``--strict`` when
something selected does not pass; 2 for a usage error or a fault of the
engine; 130 when interrupted by Ctrl-C.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from . import cache, manifest, printable_output, procs, progress, report, runner, sanitizer
from . import sandbox as sandbox_mod

USAGE_ERROR = 2


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="nox -s grade --",
        description="Grade the cffi-course exercises.",
        epilog="Examples: nox -s grade | nox -s grade -- 01 | nox -s grade -- 01_setup/hello "
        "| nox -s grade -- --tree ~/participant/exercises --json out.json",
    )
    p.add_argument("selectors", nargs="*", metavar="SELECTOR",
                   help="a lesson number (07) or an exercise id (07_structs/point); none = all")
    p.add_argument("--tree", metavar="DIR", help="grade this folder instead of exercises/ (laid out like it)")
    p.add_argument("--json", metavar="FILE", help="also write the report as JSON to FILE")
    p.add_argument("--gradescope", metavar="FILE", help="also write Gradescope's results.json format to FILE")
    p.add_argument("--strict", action="store_true", help="exit 1 unless everything selected passes")
    p.add_argument("--jobs", type=int, default=0, metavar="N", help="exercises graded at once (default: one per core)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="time limit per check (default: 10, or the exercise's own)")
    p.add_argument("--course", metavar="DIR", help=argparse.SUPPRESS)  # another course.toml (engine tests)
    p.add_argument("--fresh", action="store_true", help="ignore cached verdicts and grade everything again")
    p.add_argument("--isolate", action="store_true",
                   help="run every learner process in a sandbox (bubblewrap; for work that is not your own). "
                   "--gradescope implies it")
    p.add_argument("--allow-unsandboxed", action="store_true",
                   help="with --isolate or --gradescope: grade even where no sandbox is possible (one warning)")
    p.add_argument("--memcheck", action="store_true",
                   help="build the C under AddressSanitizer and report memory errors (Linux; nox -s memcheck)")
    return p


def _display(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.relative_to(parent)
        return True
    except ValueError:
        return False


def _check_tree(tree: Path, course: manifest.Course) -> None:
    if not tree.is_dir():
        raise UsageError(f"--tree {tree}: no such folder.")
    if not any((tree / lesson.dir).is_dir() for lesson in course.lessons):
        hint = ""
        if (tree / "exercises").is_dir():
            hint = f" Did you mean --tree {tree / 'exercises'}?"
        raise UsageError(
            f"{tree} has none of the lesson folders ({course.lessons[0].dir}, ...): it is not laid out "
            f"like exercises/.{hint}"
        )


def _check_cache(root: Path, tree: Path, course_root: Path) -> None:
    for other, what in ((manifest.ROOT, "the course repository"), (course_root, "the course"),
                        (tree, "the graded folder")):
        if _inside(root, other):
            raise UsageError(
                f"the cache folder {root} is inside {what}; builds must not be written there. "
                f"Point {cache.ENV_VAR} somewhere else (or unset it for the default)."
            )


# Temporary caches standing in for one that cannot be written, by that cache's
# path: `watch` grades again and again in one process, and reuses its stand-in.
_stand_ins: dict[Path, cache.Cache] = {}


def open_cache(graded: list[Path], course_root: Path, err) -> Path:
    """The cache root this command grades with: never inside the course or a
    graded folder, and ours (tagged, new or empty) or refused (UsageError). One
    that cannot be written gives a temporary cache, with ONE warning line on
    ``err`` per grade, removed when the process ends."""
    root = cache.cache_root()
    for tree in graded:
        _check_cache(root, tree, course_root)
    store = _stand_ins.get(root)
    if store is None or not cache.is_ours(store.path):
        try:
            store = cache.open_cache(root)
        except cache.CacheError as exc:
            raise UsageError(str(exc)) from None
        if store.temporary:
            _stand_ins[root] = store
            atexit.register(store.close)
    if store.temporary:
        err.print(report.escape(store.warning), soft_wrap=True)
    return store.path


def choose_sandbox(allow_unsandboxed: bool, err) -> sandbox_mod.Sandbox:
    """The sandbox for grading someone else's work: the strongest available. None
    possible: UsageError with the reason and what to install, unless the
    instructor allows it, then one loud warning line on ``err``."""
    box = sandbox_mod.detect()
    if box.isolated:
        return box
    if not allow_unsandboxed:
        raise UsageError(
            f"no sandbox is possible here ({box.reason}), and the work graded is not your own: its code would "
            f"run with your rights. {sandbox_mod.INSTALL[0].upper()}{sandbox_mod.INSTALL[1:]}, or run the engine "
            "as root where user namespaces are blocked (it then uses a separate uid); or pass "
            "--allow-unsandboxed to grade anyway, unprotected.")
    err.print(f"[bold red]WARNING: grading WITHOUT a sandbox ({report.escape(box.reason)}): learner code runs "
              "with your rights and can read and change your files.[/]", soft_wrap=True)
    return box


def _memcheck_env() -> dict:
    try:
        return sanitizer.prepare()
    except sanitizer.Unsupported as exc:
        raise UsageError(f"memcheck is not available here: {exc}") from None


def _stop_on_sigterm() -> None:
    """Treat SIGTERM (sent by nox, CI runners, `kill`) like Ctrl-C: kill the
    children, report what was graded. Windows has no SIGTERM to catch."""
    import signal

    def handler(signum, frame):
        raise KeyboardInterrupt

    if hasattr(signal, "SIGTERM") and os.name == "posix":
        signal.signal(signal.SIGTERM, handler)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    printable_output()
    _stop_on_sigterm()
    console = report.Console(highlight=False, stderr=False)
    err = report.Console(stderr=True, highlight=False)
    try:
        course = manifest.load(Path(args.course, "course.toml") if args.course else manifest.MANIFEST)
        selected = course.select(args.selectors)
        tree = Path(args.tree).expanduser().resolve() if args.tree else course.root / "exercises"
        _check_tree(tree, course)
        root = open_cache([tree], course.root, err)
        if args.jobs < 0 or (args.timeout is not None and args.timeout <= 0):
            raise UsageError("--jobs and --timeout take positive numbers.")
        if args.memcheck and not args.selectors:
            raise UsageError("memcheck checks what you name: an exercise (nox -s memcheck -- 10_memory/owner) "
                             "or a lesson (nox -s memcheck -- 10).")
        sanitizer_env = _memcheck_env() if args.memcheck else None
        # Someone else's work (Gradescope, --isolate) runs sandboxed, or not at all.
        sandbox = choose_sandbox(args.allow_unsandboxed, err) if args.isolate or args.gradescope else None
    except (manifest.ManifestError, UsageError) as exc:
        err.print(f"[bold red]error:[/] {report.escape(str(exc))}", soft_wrap=True)  # paths stay whole
        return USAGE_ERROR

    settings = runner.Settings(use_cache=not args.fresh, sandbox=sandbox, hide=(tree,))
    if sandbox is not None:
        console.print(sandbox.describe())
    if args.timeout:
        settings.test_timeout = args.timeout
    if sanitizer_env is not None:
        settings.sanitizer_env = sanitizer_env
        settings.memory_limit = 0  # the sanitizer reserves terabytes of address space for its shadow
        settings.slowdown = sanitizer.SLOWDOWN
        settings.setup_timeout *= sanitizer.SLOWDOWN
        settings.collect_timeout *= sanitizer.SLOWDOWN
        console.print("[bold]Memory check:[/] C built with AddressSanitizer; Python uses plain malloc. "
                      "A memory error stops the check that caused it.")
    display = _display(tree)
    fingerprint = cache.digest(cache.engine_fingerprint(), cache.environment_fingerprint())
    live = procs.LiveProcesses()
    results: dict[str, runner.ExerciseResult] = {}
    interrupted = False
    jobs = args.jobs or os.cpu_count() or 2
    pool = ThreadPoolExecutor(max_workers=jobs)
    spinner = None
    try:
        futures = {pool.submit(runner.grade, ex, course.root, tree, display, root, settings, fingerprint, live): ex
                   for ex in selected}
        if console.is_terminal:
            from rich.progress import Progress, SpinnerColumn, TextColumn

            spinner = Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True)
            spinner.start()
            task = spinner.add_task(f"Grading 0/{len(selected)}", total=len(selected))
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for fut in done:
                res = fut.result()
                results[res.id] = res
            if spinner is not None:
                running = [futures[f].id for f in pending if f.running()]
                spinner.update(task, completed=len(results),
                                description=f"Grading {len(results)}/{len(selected)}"
                                + (f" · {', '.join(running[:2])}" if running else ""))
    except KeyboardInterrupt:
        interrupted = True
        live.kill_all()
        pool.shutdown(wait=True, cancel_futures=True)
        for fut, ex in futures.items():
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                results[ex.id] = fut.result()
    except Exception as exc:  # a fault of the engine, not of the learner
        live.kill_all()
        err.print(f"[bold red]internal error in the grading engine:[/] {report.escape(repr(exc))}")
        import traceback

        traceback.print_exc()
        return USAGE_ERROR
    finally:
        if spinner is not None:
            spinner.stop()
        pool.shutdown(wait=True, cancel_futures=True)

    results = {k: v for k, v in results.items() if v.status != "interrupted"}
    report.render(console, course, selected, results, display, interrupted)
    if sanitizer_env is None:
        # Progress across runs (a memcheck verdict is not a grade): what passes, what comes next.
        records = progress.update(root, course, tree, results)
        report.render_progress(console, course, progress.summarise(course, records), selected, results,
                               records)
    if sanitizer_env is not None and results and all(r.status == "pass" for r in results.values()):
        console.print("AddressSanitizer found no memory error in what the checks ran.")
    if args.json:
        out = Path(args.json).expanduser()
        data = report.to_json(course, selected, results, display, interrupted)
        data["memcheck"] = sanitizer_env is not None
        data["isolation"] = sandbox.kind if sandbox is not None else "none"
        cache.write_json_atomic(out.resolve(), data)
        console.print(f"JSON report written to {out}")
    if args.gradescope:
        out = Path(args.gradescope).expanduser()
        cache.write_json_atomic(out.resolve(), report.to_gradescope(course, selected, results))
        console.print(f"Gradescope results written to {out}")
    cache.prune(root)
    if interrupted:
        return 130
    if args.strict and any(results.get(ex.id) is None or results[ex.id].status != "pass" for ex in selected):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
