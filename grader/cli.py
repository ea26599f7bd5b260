"""Command line: ``python -m grader [SELECTOR ...] [--tree DIR] [--json FILE] [--strict]``.

Exit status: 0 when grading ran (whatever the score); 1 with ``--strict`` when
something selected does not pass; 2 for a usage error or a fault of the
engine; 130 when interrupted by Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import cache, command, manifest, progress, report, runner, sanitizer
from . import session as session_mod
from .command import UsageError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="nox -s grade --",
        description="Grade the cffi-course exercises.",
        epilog="Examples: nox -s grade | nox -s grade -- 01 | nox -s grade -- 01_setup/hello "
        "| nox -s grade -- --tree ~/participant/exercises --json out.json",
    )
    p.add_argument(
        "selectors",
        nargs="*",
        metavar="SELECTOR",
        help="a lesson number (07) or an exercise id (07_structs/point); none = all",
    )
    p.add_argument("--tree", metavar="DIR", help="grade this folder instead of exercises/ (laid out like it)")
    p.add_argument("--json", metavar="FILE", help="also write the report as JSON to FILE")
    p.add_argument("--gradescope", metavar="FILE", help="also write Gradescope's results.json format to FILE")
    p.add_argument("--strict", action="store_true", help="exit 1 unless everything selected passes")
    p.add_argument("--jobs", type=int, default=0, metavar="N", help="exercises graded at once (default: one per core)")
    p.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="time limit per check (default: 10, or the exercise's own)",
    )
    command.add_course_option(p)
    p.add_argument("--fresh", action="store_true", help="ignore cached verdicts and grade everything again")
    p.add_argument(
        "--isolate",
        action="store_true",
        help="run every learner process in a sandbox (bubblewrap; for work that is not your own). "
        "--gradescope implies it",
    )
    p.add_argument(
        "--allow-unsandboxed",
        action="store_true",
        help="with --isolate or --gradescope: grade even where no sandbox is possible (one warning)",
    )
    p.add_argument(
        "--memcheck",
        action="store_true",
        help="build the C under AddressSanitizer and report memory errors (Linux; nox -s memcheck)",
    )
    return p


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


def _memcheck_env() -> dict:
    try:
        return sanitizer.prepare()
    except sanitizer.Unsupported as exc:
        raise UsageError(f"memcheck is not available here: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    return command.run(lambda: _main(argv))


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    console = report.Console(highlight=False, stderr=False)
    err = report.Console(stderr=True, highlight=False)
    course = command.load_course(args)
    selected = course.select(args.selectors)
    tree = Path(args.tree).expanduser().resolve() if args.tree else course.root / "exercises"
    _check_tree(tree, course)
    cache_root = session_mod.open_cache([tree], course.root, err)
    if args.jobs < 0 or (args.timeout is not None and args.timeout <= 0):
        raise UsageError("--jobs and --timeout take positive numbers.")
    if args.memcheck and not args.selectors:
        raise UsageError(
            "memcheck checks what you name: an exercise (nox -s memcheck -- 10_memory/owner) "
            "or a lesson (nox -s memcheck -- 10)."
        )
    sanitizer_env = _memcheck_env() if args.memcheck else None
    # Someone else's work (Gradescope, --isolate) runs sandboxed, or not at all.
    sandbox = session_mod.choose_sandbox(args.allow_unsandboxed, err) if args.isolate or args.gradescope else None

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
        console.print(
            "[bold]Memory check:[/] C built with AddressSanitizer; Python uses plain malloc. "
            "A memory error stops the check that caused it."
        )
    display = session_mod.display(tree)
    session = session_mod.Session(course.root, cache_root, settings)
    interrupted = False
    spinner = task = None
    if console.is_terminal:
        from rich.progress import Progress, SpinnerColumn, TextColumn

        spinner = Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True)

    def tick(done: int, running: list[session_mod.Task]) -> None:
        if spinner is not None and task is not None:
            ids = [t.exercise.id for t in running]
            spinner.update(
                task,
                completed=done,
                description=f"Grading {done}/{len(selected)}" + (f" · {', '.join(ids[:2])}" if ids else ""),
            )

    try:
        if spinner is not None:  # started inside the try, so that a Ctrl-C at any moment stops it
            spinner.start()
            task = spinner.add_task(f"Grading 0/{len(selected)}", total=len(selected))
        graded = session.grade([session_mod.Task(ex, tree, display) for ex in selected], args.jobs, tick)
    except session_mod.Interrupted as stop:
        interrupted = True
        graded = stop.results
    except Exception as exc:  # a fault of the engine, not of the learner
        err.print(f"[bold red]internal error in the grading engine:[/] {report.escape(repr(exc))}")
        import traceback

        traceback.print_exc()
        return command.USAGE_ERROR
    finally:
        if spinner is not None:
            spinner.stop()

    results = {t.exercise.id: res for t, res in graded.items() if res.status != "interrupted"}
    report.render(console, course, selected, results, display, interrupted)
    if sanitizer_env is None:
        # Progress across runs (a memcheck verdict is not a grade): what passes, what comes next.
        records = progress.update(cache_root, course, tree, results)
        report.render_progress(console, course, progress.summarise(course, records), selected, results, records)
    if sanitizer_env is not None and results and all(r.status == "pass" for r in results.values()):
        console.print("AddressSanitizer found no memory error in what the checks ran.")
    if args.json:
        out = Path(args.json).expanduser()
        data = report.to_json(selected, results, display, interrupted)
        data["memcheck"] = sanitizer_env is not None
        data["isolation"] = sandbox.kind if sandbox is not None else "none"
        cache.write_json_atomic(out.resolve(), data)
        console.print(f"JSON report written to {out}")
    if args.gradescope:
        out = Path(args.gradescope).expanduser()
        cache.write_json_atomic(out.resolve(), report.to_gradescope(selected, results))
        console.print(f"Gradescope results written to {out}")
    cache.prune(cache_root)
    if interrupted:
        return command.INTERRUPTED
    if args.strict and any(results.get(ex.id) is None or results[ex.id].status != "pass" for ex in selected):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
