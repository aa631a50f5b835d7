"""Grading benchmark: the seconds ``make grade`` takes per submission, for 1, 10 and 100 submissions of notebooks 02
(NumPy answers) and 03 (a Keras network the grader trains again), on this machine with 2 workers.

The class is synthetic (``grading.synthetic``): right, partly right and empty submissions in turn. Each run draws new
hidden inputs and grades the reference solution first, as every real run does, so the time for one submission
includes that. Goal (issue 29): 100 submissions of any one notebook within 30 minutes on two cores.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from course_utils import runtime
from grading import synthetic
from grading.__main__ import main as grade

from .results import make_row

WORKERS = 2


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    notebooks = profile.pick(ci=("02",), lite=("02", "03"), full=("02", "03"))
    sizes = profile.pick(ci=(2,), lite=(1, 10), full=(1, 10, 100))
    rows = []
    for notebook in notebooks:
        for n in sizes:
            with tempfile.TemporaryDirectory() as folder:
                synthetic.write_class(notebook, n, Path(folder) / "submitted")
                start = time.perf_counter()
                code = grade([notebook, f"{folder}/submitted", "--out", f"{folder}/grades", "--workers", str(WORKERS),
                              "--seed", "0"])
                seconds = time.perf_counter() - start
            if code != 0:
                raise RuntimeError(f"grading notebook {notebook} failed (exit code {code}): see the message above")
            what = f"{n} submission{'s' * (n > 1)}"
            print(f"notebook {notebook}: {what} graded in {seconds:.0f} s", flush=True)
            rows.append(make_row("grading", f"notebook {notebook}, {what}, {WORKERS} workers",
                                 "synthetic class (right, partly right, empty)", n, 0, 0, "seconds_per_submission",
                                 seconds / n))
    return rows
