"""How a class fills a hub: 1, 4 and 8 students on a local JupyterHub (tools/hub.py), all at once.

For each class size, a fresh hub with a read-only shared data folder: every student's server is asked for at once,
then every student opens notebook 00 and runs it top to bottom, and loads two image sets and a checkpoint from the
shared folder (the hub test's work, timed). Rows (seconds, or MB of resident memory):

- every server ready: from asking to the last server JupyterHub calls ready;
- notebook 00 + shared data, mean and slowest student: from opening the notebook (the kernel starts) to its last cell;
- memory of one single-user server (mean) and of one kernel after that work (mean), resident (shared libraries
  counted in full in every process), and the class's total in proportional memory (Linux's PSS: a page shared by
  n processes counts 1/n in each, so the sum is what the machine gives the class).

Runs under the profile set (``ci`` by default: the work is the environment check and data loading, not training).

    make bench BENCH=hub
    HUB_CLASS_SIZES=1,4,8,16 make bench BENCH=hub
"""
from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path

from tools.hub import LocalHub, fill_shared_folder, notebook_code, run_in_kernels, unlock_shared_folder

from .results import make_row

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ["fashion_mnist", "mnist", "digit_cnn"]
LOAD = "from course_utils import data\nfor name in {names!r}:\n    data.load(name, fallback=False)"
MB = 1 << 20


def measure(size: int, folder: Path, shared: Path) -> list[dict]:
    """The rows for one class of ``size`` students."""
    students = [f"student{i}" for i in range(1, size + 1)]
    cells = notebook_code(ROOT / "notebooks" / "00_welcome.ipynb") + [LOAD.format(names=DATASETS)]
    profile = os.environ.get("COURSE_PROFILE") or "ci"
    with LocalHub(folder / f"hub-{size}", environment={"COURSE_PROFILE": profile, "COURSE_DATA_DIR": str(shared)}) as hub:
        hub.start_servers(students)
        ready = hub.wait_ready(students, timeout=600)
        runs = run_in_kernels(hub, {user: ("notebooks/00_welcome.ipynb", cells) for user in students}, timeout=600,
                              shutdown=False)
        failed = {user: r.error for user, (_, results) in runs.items() for r in results if r.error}
        if failed:
            raise RuntimeError(f"students' runs failed: {failed}")
        memory = hub.server_memory()
    seconds = [s for s, _ in runs.values()]
    servers = [sum(rss for rss, _ in m["server"]) / MB for m in memory.values()]
    kernels = [sum(rss for rss, _ in m["kernels"]) / MB for m in memory.values()]
    together = sum(pss for m in memory.values() for _, pss in m["server"] + m["kernels"]) / MB
    label = f"{size} student{'s' if size > 1 else ''}"
    row = lambda what, metric, value: make_row("hub", f"{label}: {what}", f"profile {profile}", size, 0, 0,  # noqa: E731
                                               metric, value)
    print(f"{label}: ready {max(ready.values()):.1f} s, notebook 00 + data {statistics.mean(seconds):.1f} s mean "
          f"{max(seconds):.1f} s slowest, server {statistics.mean(servers):.0f} MB, kernel {statistics.mean(kernels):.0f} MB",
          flush=True)
    return [row("every server ready", "seconds", max(ready.values())),
            row("notebook 00 + shared data, mean student", "seconds", statistics.mean(seconds)),
            row("notebook 00 + shared data, slowest student", "seconds", max(seconds)),
            row("single-user server, mean", "MB resident", statistics.mean(servers)),
            row("kernel after notebook 00 + data, mean", "MB resident", statistics.mean(kernels)),
            row("all servers and kernels", "MB proportional (what they take together)", together)]


def run() -> list[dict]:
    sizes = [int(n) for n in os.environ.get("HUB_CLASS_SIZES", "1,4,8").split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="course-hub-bench-") as folder:
        shared = fill_shared_folder(Path(folder) / "shared", DATASETS)
        try:
            for size in sizes:
                rows += measure(size, Path(folder), shared)
        finally:
            unlock_shared_folder(shared)  # so the temporary folder can be removed
    return rows
