"""Grade submissions of one notebook with its hidden tests: find each answer cell, refuse what is not the student's
own work, run the answers in the sandbox on inputs drawn for this run, and score what they did in this process.

Only the answer cells run (each exercise's cell, found by its nbgrader mark or else by the names it defines), after
the notebook's own imports: check cells, targets, ``qN.passed`` and anything else in the notebook are never run, so
editing them changes nothing. The outputs are compared here, outside the student's process.

    >>> grader = Grader("02", seed=0)                         # doctest: +SKIP
    >>> grader.grade("ada", Path("submitted/ada")).earned      # doctest: +SKIP
    9.0
"""
from __future__ import annotations

import ast
import importlib
import inspect
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat
import numpy as np

from course_utils.exercises.regions import solutions, stub
from grading import hidden
from grading.sandbox import ROOT, Limits, run_job

# What no answer needs, which reaches into the grader, the interpreter or the course's modules instead: names and
# modules an answer may not start from (and sys.modules), and attributes it may not read (frames, code, closures).
REACHING_IN = {"__import__", "importlib", "ctypes", "builtins", "__builtins__", "gc", "inspect", "grading", "runpy",
               "exec", "eval", "compile", "setattr", "sys.modules", "sys._getframe", "threading", "_thread", "atexit"}
REACHING_IN_ATTRIBUTES = {"__closure__", "__globals__", "__code__", "__subclasses__", "__traceback__", "tb_frame",
                          "f_back", "f_locals", "f_globals", "gi_frame", "cr_frame"}

PRINTED_NOTED = 100_000  # characters an answer may print before its feedback mentions it


@dataclass
class TestResult:
    description: str
    points: float
    earned: float
    reason: str | None = None


@dataclass
class ExerciseResult:
    name: str
    points: float
    tests: list[TestResult] = field(default_factory=list)
    reason: str | None = None  # why it earned nothing, when no test ran
    notes: list[str] = field(default_factory=list)

    @property
    def earned(self) -> float:
        return sum(test.earned for test in self.tests)


@dataclass
class SubmissionResult:
    student: str
    file: str | None
    exercises: list[ExerciseResult]
    notes: list[str] = field(default_factory=list)

    @property
    def earned(self) -> float:
        return sum(exercise.earned for exercise in self.exercises)

    @property
    def points(self) -> float:
        return sum(exercise.points for exercise in self.exercises)


def instructor_notebook(notebook: str) -> Path:
    found = sorted((ROOT / "notebooks").glob(f"{notebook}_*.ipynb"))
    if len(found) != 1:
        raise ValueError(f"no notebook {notebook} in {ROOT / 'notebooks'}")
    return found[0]


def _without_magics(source: str) -> str:
    """A cell's code with IPython's %magics and !commands turned into comments, so that Python can compile it."""
    return "\n".join(f"# {line}" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(_without_magics(source))
    except SyntaxError:
        return None


def _binds(tree: ast.Module) -> set[str]:
    """The names a cell binds at its top level: functions, classes, assignments, imports."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def imports_of(nb: nbformat.NotebookNode) -> list[ast.stmt]:
    """The notebook's top-level imports, except its exercises' checks (course_utils.exercises)."""
    found = []
    for cell in nb.cells:
        tree = _parse(cell.source) if cell.cell_type == "code" else None
        for node in tree.body if tree else []:
            if isinstance(node, ast.Import) and not any(a.name.startswith("course_utils.exercises") for a in node.names):
                found.append(node)
            elif isinstance(node, ast.ImportFrom) and not (node.module or "").startswith("course_utils.exercises"):
                found.append(node)
    return found


def _uses(source: str) -> set[str]:
    """The names a cell reads."""
    return {node.id for node in ast.walk(_parse(source) or ast.Module([], [])) if isinstance(node, ast.Name)}


def context_for(imports: list[ast.stmt], sources: list[str]) -> str:
    """The notebook's imports that bind a name the answers use: all an answer cell needs around it, and quick."""
    used = set().union(*map(_uses, sources))
    return "\n".join(ast.unparse(node) for node in imports if _binds(ast.Module([node], [])) & used)


def exercise_mark(cell) -> str | None:
    """The exercise nbgrader's metadata names for a cell (a submission's metadata may be anything)."""
    metadata = cell.get("metadata")
    marks = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return marks.get("grade_id") if isinstance(marks, dict) else None


def find_answer(nb: nbformat.NotebookNode, task: hidden.Task) -> tuple[str | None, str | None]:
    """(the answer cell's code, a note) for ``task``: the code cell nbgrader marks with the exercise's name, or else
    the last code cell that binds all of the exercise's names."""
    code = [cell for cell in nb.cells if cell.get("cell_type") == "code"]
    marked = [c for c in code if exercise_mark(c) == task.name]
    if marked:
        return _without_magics(marked[-1].source), None
    binding = [c for c in code if (tree := _parse(c.source)) and set(task.names) <= _binds(tree)]
    if binding:
        return _without_magics(binding[-1].source), (f"the cell marked {task.name} was not found; graded the last cell "
                                                      f"that defines {', '.join(task.names)}")
    return None, None


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _normalised(tree: ast.AST) -> str:
    """The shape of a function with its names, texts and docstring taken out: equal for a copy with renamed variables."""
    names: dict[str, str] = {}

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node):
            return ast.copy_location(ast.Name(names.setdefault(node.id, f"v{len(names)}"), node.ctx), node)

        def visit_arg(self, node):
            return ast.arg(names.setdefault(node.arg, f"v{len(names)}"))

        def visit_Constant(self, node):  # messages and docstrings: reworded in a copy as easily as names
            return ast.Constant("" if isinstance(node.value, str) else node.value)

        def visit_FunctionDef(self, node):
            node.name = "f"
            if node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
                node.body = node.body[1:] or [ast.Pass()]
            node.returns = None
            self.generic_visit(node)
            return node

    return ast.dump(Rename().visit(tree), annotate_fields=False)


def _course_function(dotted: str):
    module, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def refused_statically(source: str, task: hidden.Task) -> str | None:
    """Why the answer is not the student's own work, read from its code: it calls a function that does the exercise,
    copies one, or reaches into the grader or the interpreter. None when nothing is wrong."""
    tree = _parse(source)
    if tree is None:
        return None  # the runner reports the SyntaxError with its line
    for node in ast.walk(tree):
        dotted = _dotted(node) if isinstance(node, (ast.Attribute, ast.Name)) else ""
        imported = [(node.module or "") + "." + a.name for a in node.names] if isinstance(node, ast.ImportFrom) else []
        imported += [a.name for a in node.names] if isinstance(node, ast.Import) else []
        for name in [dotted, *imported]:
            for forbidden in task.forbidden:
                module, _, function = forbidden.rpartition(".")
                if name and (name == forbidden or name.endswith(f"{module.rpartition('.')[2]}.{function}")):
                    return (f"it uses {forbidden}, which does the exercise for you: the exercise asks for your own "
                            "code, so it earns no points")
            parts = name.split(".")
            hit = next((bad for bad in REACHING_IN if bad in (parts[0], name)), None) or next(
                (part for part in parts[1:] if part in REACHING_IN_ATTRIBUTES), None)
            if hit:
                return f"it uses `{hit}`, which no answer to this exercise needs while graded, so it earns no points"
    copies = {}
    for forbidden in task.forbidden:
        function = _course_function(forbidden) if forbidden.startswith("course_utils.") else None
        if function is not None:
            copies[_normalised(ast.parse(inspect.getsource(function)).body[0])] = forbidden
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and _normalised(node) in copies:
            return (f"its function {node.name} is a copy of {copies[_normalised(node)]}, the course's own version, so "
                    "it earns no points")
    return None


MAX_NOTEBOOK_BYTES = 50 * 2**20


def read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """The notebook at ``path``, or why it cannot be read (never its content: the reason goes into the feedback)."""
    if path.is_symlink():
        return None, f"{path.name} is a link, not a notebook"
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return None, f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB: clear its outputs and hand it in again"
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        cells_ok = isinstance(nb.get("cells"), list) and all(
            isinstance(c, dict) and isinstance(c.get("source", ""), str) for c in nb.cells)
    except Exception as error:  # noqa: BLE001 - a damaged file raises many kinds; all mean the same to a student
        return None, f"{path.name} is not a readable notebook ({type(error).__name__}): was it cut short or edited by hand?"
    if not cells_ok:
        return None, f"{path.name} is not a readable notebook (its cells are damaged)"
    return nb, None


def submitted_notebook(folder: Path, expected: str) -> tuple[Path | None, list[str]]:
    """The notebook a student handed in: ``expected`` by name, else the only notebook in their folder."""
    if folder.is_file():
        return folder, []
    found = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and not p.is_symlink())
    named = [p for p in found if p.name == expected]
    if named:
        return named[0], []
    if len(found) == 1:
        return found[0], [f"graded {found[0].name}: no {expected} was handed in"]
    if not found:
        return None, [f"no notebook was handed in (looked for {expected})"]
    return None, [f"{len(found)} notebooks and none named {expected}: {', '.join(p.name for p in found[:5])}"]


def _usable(record: dict) -> bool:
    """Whether an answer's record has something to evaluate: it ran, defined its names and called nothing forbidden."""
    collected = record.get("collected")
    return ("stopped" not in record and not record.get("missing") and not record.get("unanswered")
            and not any(str(a).startswith("called ") for a in record.get("attempts") or [])
            and not (isinstance(collected, dict) and "failed" in collected))


def _clean(record: dict) -> dict:
    """A record as the runner writes it, whatever the answer wrote into its own results file instead."""
    texts = lambda value: [str(v)[:200] for v in value] if isinstance(value, list) else []  # noqa: E731
    if "stopped" in record:
        return {"stopped": str(record["stopped"])}
    return {"cell_error": str(record["cell_error"])[:400] if record.get("cell_error") else None,
            "collected": record.get("collected"), "attempts": texts(record.get("attempts")),
            "missing": texts(record.get("missing")), "unanswered": texts(record.get("unanswered")),
            "printed": record["printed"] if isinstance(record.get("printed"), int) else 0}


class Grader:
    """The hidden tests of one notebook, their inputs for this run, and the reference solution's results on them."""

    def __init__(self, notebook: str, limits: Limits = Limits(), seed: int | None = None, sandbox: bool = True,
                 hide: list[Path] = ()):
        self.notebook, self.limits, self.sandbox = notebook, limits, sandbox
        self.module = hidden.load(notebook)
        self.tasks: list[hidden.Task] = self.module.TASKS
        self.tasks_by_name = {task.name: task for task in self.tasks}
        self.path = instructor_notebook(notebook)
        instructor = nbformat.read(self.path, as_version=4)
        self.imports = imports_of(instructor)
        solved = solutions(instructor.cells)
        self.stubs = {name: ast.dump(ast.parse(stub(code, name))) for name, code in solved.items()}  # as released
        missing = [t.name for t in self.tasks if t.name not in solved]
        extra = [name for name in solved if name not in {t.name for t in self.tasks}]
        if missing or extra:
            raise ValueError(f"grading/hidden/nb{notebook}.py and {self.path.name} disagree: hidden tests without a "
                             f"solution {missing}, solutions without hidden tests {extra}")
        self.seed = secrets.randbits(63) if seed is None else seed  # new inputs every run: no table of answers helps
        rng = np.random.default_rng(self.seed)
        self.probes = {task.name: task.probes(rng) for task in self.tasks}
        self.workroot = Path(tempfile.mkdtemp(prefix="grading-"))
        self.hide = [*hide, self.workroot]
        self.reference: dict = {}
        self.reference_result = self._reference(instructor)

    def _reference(self, instructor: nbformat.NotebookNode) -> SubmissionResult:
        """Grade the instructor notebook as a submission: its answer cells found, checked and run as a student's, on
        this run's inputs. What they collect is the reference the students' answers are judged against, and every
        hidden test must give it full points (``reference_result``), or the hidden tests are wrong."""
        answers = {}
        for task in self.tasks:
            source, note = find_answer(instructor, task)
            refused = refused_statically(source or "", task)
            if source is None or note or refused:
                raise RuntimeError(f"the solution of {task.name} in {self.path.name} cannot be graded as an answer: "
                                   f"{refused or note or 'no cell is marked ' + task.name}")
            answers[task.name] = source
        records = self._run(answers, self.workroot / "_reference")
        self.reference = {name: record.get("collected") for name, record in records.items()}
        result = SubmissionResult("reference", self.path.name, [])
        for task in self.tasks:
            exercise = ExerciseResult(task.name, task.points)
            self._score(task, records[task.name], exercise)
            result.exercises.append(exercise)
            if exercise.earned < exercise.points or exercise.notes or exercise.reason:
                failed = [f"'{t.description}': {t.reason}" for t in exercise.tests if t.reason]
                raise RuntimeError(f"the reference solution of {task.name} does not earn full points: "
                                   f"{exercise.reason or '; '.join(failed) or exercise.notes}. Fix "
                                   f"grading/hidden/nb{self.notebook}.py.")
        return result

    def _run(self, answers: dict[str, str], workdir: Path) -> dict[str, dict]:
        """Run each answer in a sandboxed process of its own (so that a record of an exercise can only come from the
        process that ran it, and a loop in one costs no other its points), after the earlier answers whose names it
        uses. Returns the records by exercise, {"stopped": why} for one that a limit stopped."""
        records, spent = {}, 0.0
        tripwires = sorted({name for t in self.tasks for name in t.forbidden})
        limits = {t.name: t.time_limit for t in self.tasks}
        order = list(answers)
        for i, name in enumerate(order):
            left = self.limits.submission_seconds - spent
            if left <= 0:
                records[name] = {"stopped": f"was not run: the submission used up its {self.limits.submission_seconds:g} s"}
                continue
            used = _uses(answers[name])
            replay = [[m, answers[m]] for m in order[:i]
                      if "stopped" not in records.get(m, {}) and _binds(_parse(answers[m]) or ast.Module([], [])) & used]
            setup = self.tasks_by_name[name].setup(self.probes[name])
            job = {"hidden": self.module.__name__, "tripwires": tripwires, "replay": replay,
                   "context": context_for(self.imports, [answers[name], setup, *(source for _, source in replay)])
                   + "\n" + setup,
                   "answers": [[name, answers[name]]], "probes": {name: self.probes[name]}}
            started = time.monotonic()
            reported, why = run_job(job, workdir / name, replace(self.limits, submission_seconds=left), limits,
                                    self.hide, self.sandbox)
            spent += time.monotonic() - started
            mine = [record for record in reported if record.get("exercise") == name]
            records[name] = mine[-1] if mine else {"stopped": why or "stopped without a word"}
            task = self.tasks_by_name[name]
            if task.evaluate and _usable(records[name]):
                started = time.monotonic()
                job = {"hidden": self.module.__name__, "evaluate": [[name, records[name]["collected"]]],
                       "probes": {name: self.probes[name]}}
                left = max(1.0, self.limits.submission_seconds - spent)
                reported, why = run_job(job, workdir / name, replace(self.limits, submission_seconds=left), limits,
                                        self.hide, self.sandbox)
                spent += time.monotonic() - started
                measured = [record for record in reported if record.get("exercise") == name]
                evaluated = measured[-1].get("evaluated") if measured else {"failed": why or "stopped without a word"}
                records[name]["collected"] = {"collected": records[name]["collected"], "evaluated": evaluated}
        return records

    def grade(self, student: str, handed_in: Path) -> SubmissionResult:
        """Grade one student's folder (or notebook file)."""
        expected = self.path.name
        path, notes = submitted_notebook(handed_in, expected)
        nb, unreadable = read_notebook(path) if path else (None, None)
        if nb is None:
            reason = unreadable or notes[-1]
            return SubmissionResult(student, path.name if path else None,
                                    [ExerciseResult(t.name, t.points, [TestResult(x.description, x.points, 0) for x in t.tests],
                                                    reason=reason) for t in self.tasks], notes + ([unreadable] if unreadable else []))
        results, answers = {}, {}
        for task in self.tasks:
            source, note = find_answer(nb, task)
            result = results[task.name] = ExerciseResult(task.name, task.points, notes=[note] if note else [])
            if source is None:
                result.reason = (f"no answer cell: neither the cell marked {task.name} nor one that defines "
                                 f"{', '.join(task.names)} is in the notebook (deleted?)")
            elif refused := refused_statically(source, task):
                result.reason = refused
            elif (tree := _parse(source)) and ast.dump(tree) == self.stubs.get(task.name):
                result.reason = f"not answered: {', '.join(task.names)} is still the empty stub"
            else:
                answers[task.name] = source
        workdir = Path(tempfile.mkdtemp(prefix="".join(c if c.isalnum() else "_" for c in student)[:40] + "-",
                                        dir=self.workroot))
        records = self._run(answers, workdir) if answers else {}
        shutil.rmtree(workdir, ignore_errors=True)
        for task in self.tasks:
            result = results[task.name]
            if task.name in records:
                self._score(task, records[task.name], result)
            if not result.tests:
                result.tests = [TestResult(test.description, test.points, 0) for test in task.tests]
        return SubmissionResult(student, path.name, [results[t.name] for t in self.tasks], notes)

    def _score(self, task: hidden.Task, record: dict, result: ExerciseResult) -> None:
        record = _clean(record)
        if "stopped" in record:
            result.reason = f"the answer {record['stopped']}"
            return
        attempts = record["attempts"]
        called = [a.removeprefix("called ") for a in attempts if a.startswith("called ")]
        if attempts:
            result.notes.append("refused while graded: " + ", ".join(attempts))
        if record.get("cell_error"):
            result.notes.append(f"the answer cell raised {record['cell_error']}")
        collected = record.get("collected")
        if called:
            result.reason = f"it calls {called[0]}, which does the exercise for you, so it earns no points"
        elif record.get("missing"):
            result.reason = f"the answer cell does not define {', '.join(map(str, record['missing']))}" + (
                f": it raised {record['cell_error']}" if record.get("cell_error") else "")
        elif record.get("unanswered"):
            result.reason = f"not answered: {', '.join(map(str, record['unanswered']))} is still the empty stub"
        elif isinstance(collected, dict) and "failed" in collected:
            result.reason = f"the grader could not use the answer: {str(collected['failed'])[:200]}"
        if result.reason:
            return
        if record["printed"] > PRINTED_NOTED:
            result.notes.append(f"it printed {record['printed']:,} characters while graded (none are kept)")
        for test in task.tests:
            why = test.judge(collected, self.reference[task.name], self.probes[task.name])
            result.tests.append(TestResult(test.description, test.points, 0 if why else test.points, why))

    def close(self) -> None:
        shutil.rmtree(self.workroot, ignore_errors=True)
