"""Write the student and instructor versions of the notebooks (``make release``).

The repository holds the instructor version. A student notebook is the same lesson with every solution cell
(nbgrader's ``### BEGIN SOLUTION`` ... ``### END SOLUTION``) replaced by a stub that binds the same names to ``...``
(see ``course_utils.exercises.regions.stub``), and with every output cleared: Run All reaches the end, and each
unanswered check says "not answered yet".

    python tools/release.py                   # notebooks/*.ipynb -> release/student/, release/instructor/
    python tools/release.py --out /tmp/rel notebooks/02_convolution_by_hand.ipynb
    python tools/release.py --mark notebooks/09_new.ipynb   # after writing exercises: mark the cells for nbgrader
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import nbformat

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


def mark_solution_cells(nb: nbformat.NotebookNode) -> None:
    """Give every cell with a solution region nbgrader's "autograded answer" metadata, named after its exercise."""
    for i, cell in enumerate(nb.cells):
        if BEGIN in cell.source:
            cell.metadata["nbgrader"] = {"grade": False, "grade_id": exercise_name(nb.cells, i), "locked": False,
                                         "schema_version": 3, "solution": True, "task": False}


def release(notebooks: list[Path], out: Path) -> None:
    """Write ``out/student/`` and ``out/instructor/`` for ``notebooks``, replacing what was there.

    ``pytest --nbval-lax --nbval-current-env out/instructor`` checks the instructor copies."""
    for part in ("student", "instructor"):
        shutil.rmtree(out / part, ignore_errors=True)
        (out / part).mkdir(parents=True)
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        nbformat.write(student_version(nb), out / "student" / path.name)
        shutil.copyfile(path, out / "instructor" / path.name)
        print(f"released {path.name}")
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
