"""How long the course's own machinery takes: CI on a fresh clone, and the teaching tools.

Clones the repository's committed state into a temporary folder and runs there, as CI does on a new machine:
``bash .ci/run`` (a new ``.venv``, the system packages where missing, then every test, with pytest's
``--durations=0`` so that single tests can be read off), then ``make check``, ``make test NB=06`` (one notebook's
tests, as an instructor runs them), ``make release`` and ``make slides`` (its decks under ``lite``, as on a laptop).
One row each (seconds, wall clock), plus the number of tests that passed, the seconds of the tests README names and
the seconds each part of the suite took (its tests' durations added up, over every worker). A failing step stops the
benchmark with its output. Needs the package registries (pip, npm), like CI.

    make bench BENCH=suite
"""
from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from .results import make_row

ROOT = Path(__file__).resolve().parent.parent
# tests whose time README quotes: (how README names it, the test's node id)
NAMED_TESTS = {
    "the two-worker test": "tests/test_distributed.py::test_two_workers_on_loopback_train_one_model_the_same_as_one_process",
    "the browser test (JupyterLab in Chromium)": "tests/test_browser.py::test_jupyterlab_runs_a_course_notebook_and_the_kernel_explorer_renders",
    "the hub test: eight students at once": "tests/test_hub.py::test_eight_students_at_once_run_notebook_00_and_load_the_shared_data_without_writing_there",
    "the hub test: a login in Chromium": "tests/test_hub.py::test_a_student_logs_in_on_the_hub_page_in_chromium_and_runs_notebook_02",
}

# the parts of the suite README's table names: (name, a pattern its tests' node ids match); the rest is "the rest"
PARTS = [
    ("the notebooks under nbval", r"^notebooks/"),
    ("the decks under nbval", r"^slides/"),
    ("the decks presented in Chromium", r"^tests/test_decks\.py"),
    ("the student notebooks run to the end", r"^tests/test_release\.py::test_released_student_notebook_runs_to_the_end"),
    ("notebook 03 on Fashion-MNIST", r"^tests/test_notebook_variants\.py"),
    ("the hub", r"^tests/test_hub\.py"),
    ("the browser tests", r"^tests/test_browser\.py"),
    ("the benchmarks' smoke runs", r"^tests/test_benchmarks\.py"),
    ("the grader: answers run in the sandbox", r"^tests/test_grading\.py"),
    ("worker processes and fresh interpreters", r"^tests/test_(distributed|runtime)\.py"),
]
REST = "the rest: unit tests, exercises, hygiene, lessons, numbers"


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    """Run ``command``; (seconds, output). Raises with the output's end when it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        # pytest's summary ends stdout, after its failures (--durations puts its long list between them); pip's
        # warnings fill stderr, so each gets its own part
        failures = done.stdout.find("= FAILURES =")
        first = f"{done.stdout[failures:failures + 6000]}\n[...]\n" if failures >= 0 else ""
        raise RuntimeError(f"{' '.join(command)} failed with status {done.returncode}:\n{first}{done.stdout[-4000:]}\n"
                           f"--- the end of stderr ---\n{done.stderr[-1500:]}")
    return seconds, done.stdout + done.stderr


def test_seconds(output: str, node: str) -> float:
    """The seconds pytest's ``--durations`` report gives a test's call (setup and teardown added)."""
    found = re.findall(rf"([\d.]+)s (?:call|setup|teardown)\s+{re.escape(node)}\b", output)
    if not found:
        raise RuntimeError(f"pytest's durations do not name {node}")
    return sum(float(s) for s in found)


def part_seconds(output: str) -> dict[str, float]:
    """The seconds of each part of the suite (PARTS, then REST): its tests' durations from ``--durations=0``, added."""
    parts = dict.fromkeys([name for name, _ in PARTS] + [REST], 0.0)
    for seconds, node in re.findall(r"^([\d.]+)s (?:call|setup|teardown)\s+(\S.*?)\s*$", output, re.M):
        name = next((name for name, pattern in PARTS if re.search(pattern, node)), REST)
        parts[name] += float(seconds)
    return parts


def run() -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_PROFILE", "VIRTUAL_ENV")}
    with tempfile.TemporaryDirectory(prefix="course-suite-") as folder:
        clone = Path(folder) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        ci_seconds, output = timed(["bash", ".ci/run"], clone, dict(env, PYTEST_ARGS="--durations=0"))
        summary = re.findall(r"(\d+) passed(?:, (\d+) skipped)?.* in ([\d.]+)s", output)[-1]
        passed, pytest_seconds = int(summary[0]), float(summary[2])
        rows = [make_row("suite", "bash .ci/run on a fresh clone", "tests", passed, 0, 0, "seconds", ci_seconds),
                make_row("suite", "pytest inside it (make test)", "tests", passed, 0, 0, "seconds", pytest_seconds),
                make_row("suite", "tests passed", "tests", passed, 0, 0, "count", passed)]
        for name, node in NAMED_TESTS.items():
            rows.append(make_row("suite", name, "tests", passed, 0, 0, "seconds", test_seconds(output, node)))
        for name, seconds in part_seconds(output).items():
            rows.append(make_row("suite", f"part: {name}", "tests", passed, 0, 0, "seconds", seconds))
        for target in (["check"], ["test", "NB=06"]):
            seconds, _ = timed(["make", *target], clone, env)
            rows.append(make_row("suite", f"make {' '.join(target)}", "tests", 0, 0, 0, "seconds", seconds))
        for target in ("release", "slides"):
            seconds, _ = timed(["make", target], clone, dict(env, COURSE_PROFILE="lite"))  # the decks as on a laptop
            rows.append(make_row("suite", f"make {target}", "tools", 0, 0, 0, "seconds", seconds))
    for row in rows:
        print(f"{row['model']}: {row['value']:,.1f}", flush=True)
    return rows
