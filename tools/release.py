"""Write the student, instructor and graded versions of the notebooks (``make release``).

The repository holds the instructor version. A student notebook is the same lesson with every solution cell
(nbgrader's ``### BEGIN SOLUTION`` ... ``### END SOLUTION``) replaced by a stub that binds the same names to ``...``
(see ``course_utils.exercises.regions.stub``), and with every output cleared: Run All reaches the end, and each
unanswered check says "not answered yet".

The graded version (``release/graded/``) is for a class whose exercises count: the student notebooks without the lines
that show a solution, and a wheel of ``course_utils`` to install in the students' environment in place of the
repository, in which ``qN.solution()`` has no solutions to show and every hint that holds code of its solution is
replaced by one in words (``course_utils/exercises/graded_hints.py``). The hidden tests (``grading/``) are in neither.

    python tools/release.py                   # notebooks/*.ipynb -> release/student/, release/instructor/, release/graded/
    python tools/release.py --out /tmp/rel notebooks/02_convolution_by_hand.ipynb
    python tools/release.py --mark notebooks/09_new.ipynb   # after writing exercises: mark the cells for nbgrader
"""
from __future__ import annotations

import argparse
import ast
import base64
import hashlib
import shutil
import tomllib
import zipfile
from pathlib import Path

import nbformat

from course_utils.exercises.graded_hints import GRADED_HINTS
from course_utils.exercises.regions import BEGIN, exercise_name, solution_text, stub

ROOT = Path(__file__).resolve().parent.parent
CHECKED = "NBVAL_CHECK_OUTPUT"  # the tests' mark on cells whose output nbval compares: noise to a student


def student_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with solutions replaced by stubs and all outputs cleared."""
    nb = nbformat.from_dict(nb)
    for i, cell in enumerate(nb.cells):
        if BEGIN in cell.source:
            cell.source = stub(solution_text(cell.source), exercise_name(nb.cells, i))
        if cell.cell_type == "code":
            cell.source = "\n".join(line for line in cell.source.splitlines() if line.strip() != f"# {CHECKED}")
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("keep_output", None)
    return nb


# What the graded notebooks say instead of pointing to qN.solution(), which has nothing to show there.
GRADED_WORDING = {
    "`qN.hint()` gives a hint and `qN.solution()` the notebook's own solution: delete the `#`\nin front of one":
        "`qN.hint()` gives a hint (this graded release shows no solutions): delete the `#`\nin front of it",
    "Exercises: answer, `check`, and `hint()` before `solution()`.": "Exercises: answer, `check`, and `hint()` when stuck.",
}


def graded_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student version without the lines that offer a solution."""
    nb = student_version(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            kept = [line for line in cell.source.splitlines() if ".solution()" not in line]
            cell.source = "\n".join(line.rstrip(",") if ".hint()" in line else line for line in kept)
        for old, new in GRADED_WORDING.items():
            cell.source = cell.source.replace(old, new)
    return nb


def graded_exercises(source: str, notebook: str) -> str:
    """The source of ``course_utils/exercises/nbNN.py`` with each exercise's hint replaced by its graded hint, where it
    has one: the hint's text is cut out of the source and the graded one put in its place."""
    lines, replacements = source.splitlines(keepends=True), []
    for node in ast.parse(source).body:
        call = node.value if isinstance(node, ast.Assign) else None
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "Exercise"):
            continue
        name = node.targets[0].id
        hint = next(k.value for k in call.keywords if k.arg == "hint")
        if name in GRADED_HINTS.get(notebook, {}):
            replacements.append((hint, repr(GRADED_HINTS[notebook][name])))
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode()))
    data = source.encode()
    for node, text in sorted(replacements, key=lambda r: -r[0].lineno):  # from the end: earlier offsets stay right
        start = offsets[node.lineno - 1] + node.col_offset
        end = offsets[node.end_lineno - 1] + node.end_col_offset
        data = data[:start] + text.encode() + data[end:]
    return data.decode()


NO_SOLUTIONS = '''"""The graded release holds no solutions: `qN.solution()` says so. (The self-study release has them here.)"""

SOLUTIONS: dict = {}
'''


def graded_package(staging: Path) -> None:
    """Copy ``course_utils`` into ``staging`` as the graded release ships it: no solutions, hints without code."""
    package = staging / "course_utils"
    shutil.copytree(ROOT / "course_utils", package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (package / "exercises" / "solutions.py").write_text(NO_SOLUTIONS)
    for path in sorted((package / "exercises").glob("nb[0-9][0-9].py")):
        path.write_text(graded_exercises(path.read_text(), path.stem[2:]))


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(staging: Path, out: Path) -> Path:
    """A wheel of the package in ``staging`` with the repository's metadata (its dependencies and the cpu and gpu
    extras), written directly: no build backend, so it works offline. ``pip install 'WHEEL[gpu]'`` installs it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    metadata = [f"Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}",
                f"Summary: {project['description']} Graded release: no solutions.",
                f"Requires-Python: {project['requires-python']}"]
    metadata += [f"Requires-Dist: {requirement}" for requirement in project["dependencies"]]
    for extra in ("cpu", "gpu"):
        metadata += [f"Provides-Extra: {extra}"]
        metadata += [f'Requires-Dist: {r}; extra == "{extra}"' for r in project["optional-dependencies"][extra]]
    info = f"{name}-{version}.dist-info"
    files = {str(path.relative_to(staging)): path.read_bytes()
             for path in sorted(staging.rglob("*")) if path.is_file()}
    files[f"{info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: tools/release.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{info}/top_level.txt"] = b"course_utils\n"
    record = [_record_line(path, data) for path, data in files.items()] + [f"{info}/RECORD,,"]
    wheel = out / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(2026, 1, 1, 0, 0, 0)), data)
        archive.writestr(zipfile.ZipInfo(f"{info}/RECORD", date_time=(2026, 1, 1, 0, 0, 0)), "\n".join(record) + "\n")
    return wheel


def mark_solution_cells(nb: nbformat.NotebookNode) -> None:
    """Give every cell with a solution region nbgrader's "autograded answer" metadata, named after its exercise."""
    for i, cell in enumerate(nb.cells):
        if BEGIN in cell.source:
            cell.metadata["nbgrader"] = {"grade": False, "grade_id": exercise_name(nb.cells, i), "locked": False,
                                         "schema_version": 3, "solution": True, "task": False}


def release(notebooks: list[Path], out: Path) -> None:
    """Write ``out/student/``, ``out/instructor/`` and ``out/graded/`` (notebooks/ and the wheel) for ``notebooks``,
    replacing what was there.

    ``pytest --nbval-lax --nbval-current-env out/instructor`` checks the instructor copies."""
    for part in ("student", "instructor", "graded"):
        shutil.rmtree(out / part, ignore_errors=True)
        (out / part).mkdir(parents=True)
    (out / "graded" / "notebooks").mkdir()
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        nbformat.write(student_version(nb), out / "student" / path.name)
        nbformat.write(graded_version(nb), out / "graded" / "notebooks" / path.name)
        shutil.copyfile(path, out / "instructor" / path.name)
        print(f"released {path.name}")
    staging = out / "graded" / "package"
    graded_package(staging)
    print(f"released {write_wheel(staging, out / 'graded').name} (graded: no solutions, hints in words)")
    shutil.rmtree(staging)
    shutil.copytree(ROOT / "notebooks" / "scripts", out / "graded" / "notebooks" / "scripts")
    # nbval needs execution counts for the checked cells to check the copies: the conftest the repository uses too
    shutil.copyfile(ROOT / "tools" / "nbval_conftest.py", out / "instructor" / "conftest.py")
    for part in ("student", "instructor"):  # files the notebooks read, e.g. notebook 09's sbatch script
        shutil.copytree(ROOT / "notebooks" / "scripts", out / part / "scripts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "release")
    parser.add_argument("--mark", action="store_true", help="mark solution cells for nbgrader in place instead")
    args = parser.parse_args()
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not args.mark:
        release(notebooks, args.out)
        return
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        mark_solution_cells(nb)
        nbformat.write(nb, path)


if __name__ == "__main__":
    main()
