"""Export the notebooks' marked cells into course_utils/lessons/ (``make export``).

The lesson lives in the notebook: every model, layer, loss and training step a notebook teaches is written in
its cells. A code cell that starts with nbdev's directive ``#| export`` is also needed elsewhere (later
notebooks, the benchmarks, the checkpoint tools, the lecture decks, the tests). nbdev's exporter copies those
cells, in notebook order, into ``course_utils/lessons/NAME.py`` for ``notebooks/NN_NAME.ipynb``; the module's
first line names the notebook to edit, and tests/test_lessons.py fails while a module and its notebook differ.

    python tools/export_lessons.py            # rewrite every module from its notebook
    python tools/export_lessons.py --check    # exit 1 and name the modules that differ from their notebooks
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LESSONS = ROOT / "course_utils" / "lessons"
DIRECTIVE = re.compile(r"^#\|\s*export\s*$", re.M)


def module_name(notebook: Path) -> str:
    """``notebooks/03_mnist_cnn.ipynb`` -> ``mnist_cnn`` (imported as ``course_utils.lessons.mnist_cnn``).

    >>> module_name(Path("notebooks/07_gan.ipynb"))
    'gan'
    """
    return re.sub(r"^\d+_", "", notebook.stem)


def exporting(notebooks: list[Path]) -> list[Path]:
    """The notebooks with at least one ``#| export`` cell."""
    return [p for p in notebooks
            if any(c.cell_type == "code" and DIRECTIVE.match(c.source) for c in nbformat.read(p, as_version=4).cells)]


def export(notebooks: list[Path], root: Path = ROOT) -> list[Path]:
    """Write ``root/course_utils/lessons/NAME.py`` for each notebook (which must lie in ``root/notebooks``)."""
    from nbdev.export import nb_export

    written = []
    for notebook in exporting(notebooks):
        name = module_name(notebook)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbdev warns about settings a project without nbdev's config lacks
            nb_export(str(notebook), lib_path=str(root / "course_utils"), name=f"lessons.{name}")
        written.append(root / "course_utils" / "lessons" / f"{name}.py")
    return written


def differences(notebooks: list[Path] | None = None) -> list[str]:
    """What is out of date in course_utils/lessons/: one line per module that differs from a fresh export,
    is missing, or has no notebook any more. Empty when everything is in sync."""
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb")) if notebooks is None else notebooks
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "notebooks").mkdir()
        copies = [Path(shutil.copy(p, root / "notebooks" / p.name)) for p in notebooks]
        fresh = {p.name: p.read_text() for p in export(copies, root)}
    committed = {p.name: p.read_text() for p in LESSONS.glob("*.py") if p.name != "__init__.py"}
    problems = []
    for name in sorted(set(fresh) | set(committed)):
        if name not in committed:
            problems.append(f"course_utils/lessons/{name} is missing")
        elif name not in fresh:
            problems.append(f"course_utils/lessons/{name} has no notebook with `#| export` cells any more: delete it")
        elif fresh[name] != committed[name]:
            problems.append(f"course_utils/lessons/{name} differs from its notebook")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report modules that differ from their notebooks")
    args = parser.parse_args()
    if args.check:
        problems = differences()
        for line in problems:
            print(line)
        if problems:
            print("Run `make export` to rewrite them from the notebooks.")
        return 1 if problems else 0
    for stale in set(LESSONS.glob("*.py")) - {LESSONS / "__init__.py"}:
        stale.unlink()  # a module whose notebook no longer exports anything must not linger
    for path in export(sorted(NOTEBOOKS.glob("*.ipynb"))):
        print(f"exported {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
