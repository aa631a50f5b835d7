"""Notebook and deck run times: each one executed top to bottom by a client without a front end.

Every notebook in notebooks/ and every deck in slides/ runs under the ``ci`` and ``lite`` profiles (and ``full``
where a GPU is visible) through nbclient, the executor that papermill, ``jupyter nbconvert --execute`` and nbgrader
use, with the kernel working in the repository root rather than in the notebook's folder (so a notebook that reads
a file by a path relative to its own folder fails here). One row per notebook and profile: seconds from starting
the kernel to the end of the last cell. A solution that does not pass its exercise's check under a profile is
printed as a warning (under ``ci`` the tests catch it; under ``lite`` and ``full`` only this run does). README's table of run times and each notebook's header quote these rows;
tests/test_measured_numbers.py checks that they agree.

    make bench BENCH=notebooks
    NOTEBOOKS='09_*' make bench BENCH=notebooks     # only the notebooks and decks whose file name matches
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_utils import performance
from course_utils.exercises import regions

from .results import make_row

ROOT = Path(__file__).resolve().parent.parent


def selected(folder: Path) -> list[Path]:
    """The notebooks in ``folder`` whose file name matches ``NOTEBOOKS`` (a glob pattern; every one by default)."""
    pattern = os.environ.get("NOTEBOOKS", "*")
    return sorted(folder.glob(pattern if pattern.endswith(".ipynb") else pattern + ".ipynb"))


def run_seconds(path: Path, profile: str, cwd: Path = ROOT, cell_timeout: int = 900) -> float:
    """Execute the notebook at ``path`` under ``profile`` with the kernel in ``cwd``; wall-clock seconds."""
    return execute(path, profile, cwd, cell_timeout)[0]


def unpassed_checks(nb: nbformat.NotebookNode) -> list[str]:
    """What each exercise check of an executed notebook printed, where it did not say Correct!."""
    said = ["".join(o.get("text", "") for o in c.outputs).strip() for c in nb.cells
            if c.cell_type == "code" and regions.CHECK.search(c.source)]
    return [text for text in said if not text.startswith("Correct!")]


def execute(path: Path, profile: str, cwd: Path = ROOT, cell_timeout: int = 900) -> tuple[float, nbformat.NotebookNode]:
    """Execute the notebook at ``path`` under ``profile`` with the kernel in ``cwd``: wall-clock seconds, and the
    executed notebook."""
    nb = nbformat.read(path, as_version=4)
    saved = os.environ.get("COURSE_PROFILE")
    os.environ["COURSE_PROFILE"] = profile  # the kernel inherits this process's environment
    try:
        start = time.perf_counter()
        NotebookClient(nb, timeout=cell_timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
        return time.perf_counter() - start, nb
    finally:
        if saved is None:
            os.environ.pop("COURSE_PROFILE", None)
        else:
            os.environ["COURSE_PROFILE"] = saved


def run() -> list[dict]:
    profiles = ["ci", "lite"] + (["full"] if performance.accelerator().kind == "GPU" else [])
    paths = selected(ROOT / "notebooks") + selected(ROOT / "slides")
    rows = []
    for profile in profiles:
        for path in paths:
            seconds, nb = execute(path, profile)
            print(f"{path.relative_to(ROOT)} under {profile}: {seconds:.0f} s", flush=True)
            for text in unpassed_checks(nb):  # every solution should pass its check under every profile
                print(f"  WARNING: a solution did not pass its check under {profile}: {text[:300]}", flush=True)
            rows.append(make_row("notebooks", str(path.relative_to(ROOT)), f"profile {profile}", 0, 0, 0,
                                 "run_seconds", seconds))
    return rows
