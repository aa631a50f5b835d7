"""Write the student and instructor versions of the notebooks (``make release``).

The repository holds the instructor version. A student notebook is the same lesson with every solution
region (between nbgrader's ``### BEGIN SOLUTION`` and ``### END SOLUTION``) replaced by a stub that
raises ``NotImplementedError`` and names the hint, and with every output cleared.

    python tools/release.py                   # notebooks/*.ipynb -> release/student/, release/instructor/
    python tools/release.py --out /tmp/rel notebooks/02_convolution_by_hand.ipynb
    python tools/release.py --mark notebooks/09_new.ipynb   # after writing exercises: mark the cells for nbgrader
"""
from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
REGION = re.compile(rf"^([ \t]*){BEGIN}[^\n]*\n.*?^[ \t]*{END}[^\n]*$", re.S | re.M)


def exercise_name(cells: list, index: int) -> str:
    """The exercise (``q1``, ``q2``...) whose check follows the solution cell at ``index``."""
    for cell in cells[index + 1:]:
        found = re.search(r"\b(q\d+)\.check\(", cell.source) if cell.cell_type == "code" else None
        if found:
            return found.group(1)
    raise ValueError(f"cell {index} holds a solution but no `qN.check(...)` cell follows it")


def stub(name: str, indent: str = "") -> str:
    """What a student sees instead of the solution to exercise ``name``."""
    return (f"{indent}# Your answer to {name} goes here (replace the line below). Stuck? Run {name}.hint()\n"
            f'{indent}raise NotImplementedError("{name}: write your answer here; {name}.hint() gives a hint")')


def student_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with solutions replaced by stubs and all outputs cleared."""
    nb = nbformat.from_dict(nb)
    for i, cell in enumerate(nb.cells):
        if BEGIN in cell.source:
            name = exercise_name(nb.cells, i)
            cell.source = REGION.sub(lambda m: stub(name, m.group(1)), cell.source)
            if BEGIN in cell.source or END in cell.source:
                raise ValueError(f"cell {i}: unmatched solution markers:\n{cell.source}")
        if cell.cell_type == "code":
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
    # nbval needs the repository's conftest (execution counts for the checked cells) to check the copies
    shutil.copyfile(ROOT / "conftest.py", out / "instructor" / "conftest.py")
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
