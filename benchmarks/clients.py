"""Any client runs any notebook: papermill and ``jupyter nbconvert --execute``, from the repository root and from the
notebooks' folder, every notebook under the ``ci`` profile, each way ``CLIENT_RUNS`` times (default 1).

These executors have no front end and, by default, no cell timeout: a lost message makes them wait forever. Each run
therefore gets a wall-clock limit (``CLIENT_LIMIT`` seconds, default 300, several times a normal run); a run past it
counts as hung and is stopped. One row per notebook and way: how many runs finished (the metric is "runs finished of
N"), and their mean seconds. Before the course's explorers drew into an ``ipywidgets.Image`` instead of an ``Output``
widget, 4 of 24 nbclient runs of notebook 02 hung at its kernel explorer (see course_utils/widgets.py).

    make bench BENCH=clients
    NOTEBOOKS='02_*' CLIENT_RUNS=10 make bench BENCH=clients    # one notebook, ten runs each way
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .notebooks import selected
from .results import make_row

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def commands(notebook: Path, out: Path) -> dict[str, tuple[list[str], Path]]:
    """Each way of running ``notebook``: its command line and the folder it starts in."""
    folder = notebook.parent
    papermill = [str(BIN / "papermill"), "--no-progress-bar", "--log-level", "WARNING"]
    nbconvert = [str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "--log-level", "WARN",
                 "--output-dir", str(out)]
    return {
        "papermill from the repository root": (papermill + [str(notebook.relative_to(ROOT)), str(out / notebook.name)], ROOT),
        "papermill from the notebooks folder": (papermill + [notebook.name, str(out / notebook.name)], folder),
        "nbconvert --execute from the repository root": (nbconvert + [str(notebook.relative_to(ROOT))], ROOT),
        "nbconvert --execute from the notebooks folder": (nbconvert + [notebook.name], folder),
    }


def run_once(command: list[str], cwd: Path, limit: float) -> tuple[str, float]:
    """("finished" | "failed" | "hung", seconds); a hung run and its kernel are stopped."""
    env = dict(os.environ, COURSE_PROFILE="ci", TF_CPP_MIN_LOG_LEVEL="3")
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        output, _ = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the client and the kernel it started
        process.wait()
        return "hung", time.perf_counter() - start
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        print(output.decode(errors="replace")[-2000:], flush=True)
        return "failed", seconds
    return "finished", seconds


def run() -> list[dict]:
    runs, limit = int(os.environ.get("CLIENT_RUNS", "1")), float(os.environ.get("CLIENT_LIMIT", "300"))
    rows = []
    out = Path(tempfile.mkdtemp(prefix="course-clients-"))
    try:
        for notebook in selected(ROOT / "notebooks"):
            for way, (command, cwd) in commands(notebook, out).items():
                results = [run_once(command, cwd, limit) for _ in range(runs)]
                finished = [s for state, s in results if state == "finished"]
                states = ", ".join(f"{state} {s:.0f} s" for state, s in results)
                print(f"{notebook.name}, {way}: {states}", flush=True)
                rows.append(make_row("clients", f"{notebook.name}, {way}", "profile ci", 0, 0,
                                     sum(finished) / len(finished) if finished else 0,
                                     f"runs finished of {runs}", len(finished)))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return rows
