"""How the test suite runs (README, "Testing"). The notebooks and decks are tests themselves (nbval, one item per code
cell), so what the whole suite shares lives here, beside them:

- **One run per notebook.** nbval runs every notebook and deck once; the copy it executed, with every output, is
  kept in memory and handed to the checks that need one (``executed_notebook``: the decks presented in Chromium).
- **Work units.** ``make test`` spreads the suite over worker processes (pytest-xdist, with the scheduler below). A
  unit runs whole on one worker: a notebook's cells (one kernel), a deck's cells with the tests that present it, a module
  with the fixtures its tests share (the hub), or one student notebook. Units start longest first: the servers and
  the browser, which mostly wait, then the notebooks by their measured ``ci`` time (benchmarks/results.json).
- **One notebook's tests.** ``--nb 06`` (``make test NB=06``) keeps the tests that concern notebook 06: its cells, its
  student version, its exercises, its lessons module, its measured numbers. A test concerns a notebook when it is one
  of its cells, when a parameter is the notebook (its path, one of its exercises or their module), or when it is marked
  ``concerns("06_vae")``.
- **No stderr.** A notebook's or deck's cell fails when it writes to stderr, which a student sees as a red block, unless
  a line ``# ALLOW_STDERR: why`` says the lesson shows it on purpose. The check reads the outputs nbval collected: it
  runs nothing more.
- **The quick check.** ``--check`` (``make check``) keeps what executes no notebook and starts no server or browser:
  the tests not marked ``executes``, ``server`` or ``browser``. A kept test that starts a kernel, JupyterLab, a hub,
  worker processes or Chromium fails and says which mark it lacks.
"""
from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import tempfile
import types
from pathlib import Path

import pytest

from tools.nbval_conftest import count_checked_cells

ROOT = Path(__file__).resolve().parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
DECKS = sorted((ROOT / "slides").glob("*.ipynb"))
HEAVY = ("executes", "server", "browser")  # what --check leaves out
MARKERS = {
    "executes": "runs a notebook (a course notebook, a deck or one of its own) in a kernel",
    "server": "starts a server: JupyterLab, a JupyterHub or worker processes",
    "browser": "drives Chromium",
    "concerns": "concerns(*names): the notebooks or decks (file stems) the test is about; '*' for every one (for --nb)",
}


def pytest_addoption(parser):
    group = parser.getgroup("course", "the course's test suite")
    group.addoption("--nb", action="append", default=[], metavar="NAME",
                    help="only the tests that concern this notebook or deck: a number (06), a name (vae, 06_vae, "
                         "01_cnns), slides/NN for a deck, or a path; may be given several times")
    group.addoption("--check", action="store_true",
                    help="only what executes no notebook and starts no server or browser (make check)")


def pytest_configure(config):
    for name, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")
    kernels_as_students_have_them()


def resolve(name: str) -> Path:
    """The notebook or deck that ``--nb name`` means.

    >>> resolve("06").name, resolve("vae").name, resolve("slides/01").name, resolve("notebooks/10_text_generation.ipynb").name
    ('06_vae.ipynb', '06_vae.ipynb', '01_cnns.ipynb', '10_text_generation.ipynb')
    """
    folder, _, key = name.strip().removesuffix(".ipynb").rpartition("/")
    folder = Path(folder).name
    pool = {"notebooks": NOTEBOOKS, "slides": DECKS}.get(folder, NOTEBOOKS if key.isdigit() else NOTEBOOKS + DECKS)
    if key.isdigit():
        found = [p for p in pool if p.name[:2] == f"{int(key):02d}"]
    else:
        found = [p for p in pool if p.stem == key] or [p for p in pool if key.lower() in p.stem.lower()]
    if len(found) != 1:
        known = ", ".join(f"{p.parent.name}/{p.stem}" for p in (found or NOTEBOOKS + DECKS))
        what = "several match" if found else "none matches"
        raise pytest.UsageError(f"--nb {name}: {what}; give a notebook's number (06), a deck as slides/01, or one of: {known}")
    return found[0]


def is_cell(item) -> bool:
    """Whether ``item`` is a notebook's or deck's code cell, run by nbval."""
    return item.path.suffix == ".ipynb" and hasattr(item, "cell")


def stems_in(value) -> set[str]:
    """The notebooks a test parameter stands for: a notebook's path, an exercise (``.notebook`` is its number), an
    exercise module (``course_utils.exercises.nb06``), or a tuple holding one of them."""
    if isinstance(value, (tuple, list)):
        return set().union(*map(stems_in, value)) if value else set()
    if isinstance(value, Path) or (isinstance(value, str) and value.endswith(".ipynb")):
        return {Path(value).stem} if str(value).endswith(".ipynb") else set()
    if isinstance(value, types.ModuleType):
        number = re.fullmatch(r"course_utils\.exercises\.nb(\d\d)", value.__name__)
    else:
        number = re.fullmatch(r"\d\d", str(getattr(value, "notebook", "")))
    return {p.stem for p in NOTEBOOKS if number and p.name[:2] == number.group(number.lastindex or 0)}


def concerned(item) -> set[str]:
    """The notebooks and decks (file stems) ``item`` is about; ``{"*"}`` for every one."""
    found = {item.path.stem} if is_cell(item) else set()
    for mark in item.iter_markers("concerns"):
        found.update(mark.args)
    for value in getattr(getattr(item, "callspec", None), "params", {}).values():
        found |= stems_in(value)
    return found


def run_seconds() -> dict[str, float]:
    """Each notebook's and deck's measured run time under ``ci`` (make bench BENCH=notebooks), by file stem."""
    rows = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    return {Path(r["model"]).stem: r["value"] for r in rows
            if r["benchmark"] == "notebooks" and r["dataset"] == "profile ci" and r["metric"] == "run_seconds"}


def unit_of(item) -> str:
    """The work unit ``item`` runs in: its ``xdist_group`` mark, else its notebook for a cell, else its module."""
    mark = item.get_closest_marker("xdist_group")
    if mark:
        return str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
    return item.path.stem if is_cell(item) else str(item.path)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    count_checked_cells(items)
    keep = items
    if config.getoption("--check"):
        keep = [i for i in keep if not is_cell(i) and not any(i.get_closest_marker(m) for m in HEAVY)]
    if config.getoption("--nb"):
        wanted = {resolve(name).stem for name in config.getoption("--nb")} | {"*"}
        keep = [i for i in keep if concerned(i) & wanted]
    if len(keep) < len(items):
        kept = set(keep)
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])

    units: dict[str, list] = {}
    for item in keep:
        units.setdefault(unit_of(item), []).append(item)
    seconds = run_seconds()

    def longest_first(unit: str) -> tuple:
        members = units[unit]
        waits = any(i.get_closest_marker(m) for i in members for m in ("server", "browser"))
        measured = sum(seconds.get(stem, 0) for stem in {s for i in members for s in concerned(i)
                                                         if is_cell(i) or i.get_closest_marker("executes")})
        return (not waits, -measured)

    order = sorted(units, key=longest_first)  # stable: the rest keep the order they were collected in
    items[:] = [i for unit in order for i in sorted(units[unit], key=lambda i: not is_cell(i))]
    table = getattr(config, "workerinput", {}).get(UNITS_FILE)
    if table:  # a worker of make test's: tell the controller which unit each test is in
        table = Path(table)
        part = table.with_name(f"{table.name}.{os.getpid()}")
        part.write_text(json.dumps({i.nodeid: unit for unit in order for i in units[unit]}))
        os.replace(part, table)


# --- pytest-xdist: whole units, longest first -------------------------------------------------------------------------
UNITS_FILE = "course_units"  # the file where the workers write each test's unit, for the controller
_units_file = pytest.StashKey[Path]()


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hooks: pytest without it runs the suite in one process
def pytest_configure_node(node):
    """In the controller, before it starts a worker (pytest-xdist): tell the worker where to write the units."""
    if _units_file not in node.config.stash:
        node.config.stash[_units_file] = Path(tempfile.mkdtemp(prefix="course-test-units-")) / "units.json"
    node.workerinput[UNITS_FILE] = str(node.config.stash[_units_file])


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``-n N`` (make test): hand out whole units, in the workers' order (longest first), instead of single tests.
    (xdist's own ``--dist loadgroup`` renames the tests to group them, which pytest 9 no longer allows.)"""
    if config.getvalue("dist") != "load":
        return None  # another --dist asked for by name
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):
        def __init__(self, config, log=None):
            super().__init__(config, log)
            config.option.loadscopereorder = False  # keep the workers' order, not the largest unit first
            self.units = None

        def _split_scope(self, nodeid: str) -> str:
            if self.units is None:
                self.units = json.loads(config.stash[_units_file].read_text())
            return self.units[nodeid]

    return UnitScheduling(config, log)


def pytest_unconfigure(config):
    if _units_file in config.stash:
        shutil.rmtree(config.stash[_units_file].parent, ignore_errors=True)


# --- nbval's executed copies -----------------------------------------------------------------------------------------
_runs: dict[Path, dict] = {}  # notebook -> {"outputs": {cell number: outputs}, "failed": bool}
_executed: dict[Path, object] = {}  # notebook -> its executed copy, once every cell has run and passed


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if not is_cell(item) or call.when != "call":
        return
    run = _runs.setdefault(item.path, {"outputs": {}, "failed": False})
    run["failed"] |= outcome.get_result().failed
    run["outputs"][item.cell_num] = getattr(item, "test_outputs", None) or []
    code = [c for c in item.parent.nb.cells if c.cell_type == "code"]
    if len(run["outputs"]) == len(code) and not run["failed"]:
        executed = copy.deepcopy(item.parent.nb)
        for number, cell in enumerate(c for c in executed.cells if c.cell_type == "code"):
            cell.outputs = copy.deepcopy(run["outputs"][number])
        _executed[item.path] = executed


@pytest.fixture(scope="session")
def executed_notebook():
    """``executed_notebook(path)``: the copy of a notebook or deck that nbval ran in this process (every cell passed),
    with all its outputs; ``None`` where it did not run here. The unit that runs a deck's cells runs them first."""
    return lambda path: copy.deepcopy(_executed.get(Path(path).resolve()))


# --- what a student sees: no stderr ---------------------------------------------------------------------------------
# A cell that writes to stderr shows a red block in JupyterLab: a warning, or noise a student cannot act on. A cell
# whose stderr the lesson shows on purpose says so, with the reason, in a line `# ALLOW_STDERR: why` (none does today).
ALLOW_STDERR = re.compile(r"^#\s*ALLOW_STDERR:\s*\S", re.M)


def kernels_as_students_have_them() -> None:
    """nbval's kernels forward into the cell what C and C++ write to stdout and stderr, as a student's kernel does.
    ipykernel forwards those file descriptors, except where it finds PYTEST_CURRENT_TEST in its environment, and a
    kernel started during a test inherits that variable: nbval's cells would not show TensorFlow's C++ lines (they
    went to nbval's /dev/null), so the stderr check below could not see them."""
    import nbval.kernel

    start = nbval.kernel.start_new_kernel
    if getattr(start, "as_students_have_it", False):
        return

    def start_new_kernel(*args, **kwargs):
        kwargs.setdefault("env", {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"})
        return start(*args, **kwargs)

    start_new_kernel.as_students_have_it = True
    nbval.kernel.start_new_kernel = start_new_kernel


def stderr_problem(item) -> str | None:
    """Why the nbval cell ``item`` fails for what it wrote to stderr, or None."""
    from course_utils.runtime import without_start_up_lines

    text = "".join(o.get("text", "") for o in getattr(item, "test_outputs", None) or []
                   if o.get("output_type") == "stream" and o.get("name") == "stderr")
    if not text or ALLOW_STDERR.search(item.cell.source):
        return None
    rest = without_start_up_lines(text.encode(), level=3).decode()
    advice = ("TensorFlow's C++ start-up lines: import course_utils before keras or tensorflow, as the setup cells' "
              "first lines do; see course_utils.runtime.quiet_tensorflow_start" if rest != text else
              "silence or fix what writes it, or mark the cell `# ALLOW_STDERR: <why the lesson shows it>`")
    return f"it wrote to stderr, which a student sees as a red block ({advice}):\n{text.rstrip()}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if is_cell(item):
        problem = stderr_problem(item)
        if problem:
            item.raise_cell_error(problem)  # nbval's own report: the cell's number and source
    return result


# --- make check: nothing heavy ---------------------------------------------------------------------------------------
REFUSED = ("ipykernel", "jupyter", "chromium", "playwright", "course_utils.distributed", "tools.hub")


@pytest.fixture(autouse=True, scope="session")
def _nothing_heavy_under_check(request):
    """Under --check, starting a kernel or a process named in REFUSED fails the test that does it."""
    if not request.config.getoption("--check"):
        yield
        return
    from jupyter_client import AsyncKernelManager, KernelManager

    def refuse(what):
        raise RuntimeError(f"make check starts no {what}: mark this test `executes`, `server` or `browser` "
                           "(conftest.py) so that only make test runs it")

    original = subprocess.Popen.__init__

    def popen(self, args, *rest, **kwargs):
        command = " ".join(map(str, args)) if isinstance(args, (list, tuple)) else str(args)
        for name in REFUSED:
            if name in command:
                refuse(f"{name} process")
        original(self, args, *rest, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        for manager in (KernelManager, AsyncKernelManager):
            patch.setattr(manager, "start_kernel", lambda *a, **k: refuse("kernel"))
        patch.setattr(subprocess.Popen, "__init__", popen)
        yield
