"""Grade a folder of submissions of one notebook:

    python -m grading 02 submitted/ --out grades/02

``submitted/`` holds one folder per student (nbgrader's ``submitted/<student>/<assignment>/`` works as it is) or one
notebook per student (named after the student). Writes grades.csv, feedback/<student>.html, summary.md and summary.png.
"""
from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grading import report
from grading.engine import ExerciseResult, Grader, SubmissionResult
from grading.sandbox import Limits, SandboxUnavailable, check_sandbox


def students(folder: Path) -> list[tuple[str, Path]]:
    """(student, their folder or notebook) for every entry of ``folder``, sorted by name."""
    if not folder.is_dir():
        raise SystemExit(f"{folder} is not a folder of submissions (one folder or notebook per student)")
    found = [(p.stem if p.is_file() else p.name, p) for p in sorted(folder.iterdir())
             if not p.name.startswith(".") and (p.is_dir() or p.suffix == ".ipynb")]
    if not found:
        raise SystemExit(f"{folder} holds no submissions")
    return found


def grade_safely(grader: Grader, student: str, handed_in: Path) -> SubmissionResult:
    """Grade one submission; a fault of the grader itself fails that one submission, with the reason, not the batch."""
    try:
        return grader.grade(student, handed_in)
    except Exception as error:  # noqa: BLE001
        reason = f"the grader failed on this submission ({type(error).__name__}: {error}); grade it by hand and report it"
        return SubmissionResult(student, None, [ExerciseResult(t.name, t.points, reason=reason) for t in grader.tasks],
                                [reason])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", help="the notebook's number, e.g. 02")
    parser.add_argument("submissions", type=Path)
    parser.add_argument("--out", type=Path, help="default: grades/<notebook>")
    parser.add_argument("--workers", type=int, default=2, help="submissions graded at once (default 2)")
    parser.add_argument("--seed", type=int, help="the hidden inputs' seed, to repeat a run (default: new each run)")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiply every time limit (a slow machine: 2)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run answers without bubblewrap (limits still apply): only on a machine that runs nothing else")
    args = parser.parse_args(argv)
    if not args.no_sandbox:
        try:
            check_sandbox()
        except SandboxUnavailable as why:
            print(f"grading: {why}", file=sys.stderr)
            return 2
    out = args.out or Path("grades") / args.notebook
    class_list = students(args.submissions)
    started = time.monotonic()
    try:
        grader = Grader(args.notebook, Limits(time_scale=args.time_scale), seed=args.seed, sandbox=not args.no_sandbox,
                        hide=[args.submissions.resolve(), out.resolve()])
    except (ValueError, RuntimeError) as why:  # no hidden tests for it, or its reference solution fails them
        print(f"grading: {why}", file=sys.stderr)
        return 2
    try:
        with ThreadPoolExecutor(args.workers) as pool:
            results = list(pool.map(lambda entry: grade_safely(grader, *entry), class_list))
    finally:
        grader.close()
    report.write_all(results, args.notebook, out)
    for result in results:
        print(f"{result.student:24s} {result.earned:5g} / {result.points:g}")
    print(f"graded {len(results)} submission{'s' * (len(results) > 1)} of notebook {args.notebook} in "
          f"{time.monotonic() - started:.0f} s: "
          f"{out}/grades.csv, {out}/feedback/, {out}/summary.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
