"""Where an exercise's solution sits in a notebook, and what a student sees instead.

Every exercise has the same five parts, in this order: a markdown cell that starts with ``### Exercise qN · Title``
and states the task; a solution cell, all of it between nbgrader's ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
and a check cell that calls ``qN.check(...)`` and offers ``qN.hint()`` and ``qN.solution()``. The solution text is
exported to ``course_utils/exercises/solutions.py`` (``make export``), so ``qN.solution()`` shows the notebook's own
solution. The student version (``make release``) replaces the solution with :func:`stub`: the same names, bound to
``...``, so that Run All reaches the end and the check says "not answered yet".

    >>> print(stub("def area(w, h):\\n    return w * h\\nsquare = area(3, 3)", "q1"))
    # Exercise q1: your answer goes here. Replace each ... below; q1.hint() helps if you are stuck.
    def area(w, h):
        ...  # your code here
    <BLANKLINE>
    square = ...
"""
from __future__ import annotations

import ast
import re

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
REGION = re.compile(rf"^{BEGIN}[^\n]*\n(.*?)^{END}[^\n]*$", re.S | re.M)
HEADING = re.compile(r"^### Exercise (q\d+) · \S")
CHECK = re.compile(r"\b(q\d+)\.check\(")


def exercise_name(cells: list, index: int) -> str:
    """The exercise (``q1``, ``q2``...) whose check follows the solution cell at ``index``."""
    for cell in cells[index + 1:]:
        found = CHECK.search(cell.source) if cell.cell_type == "code" else None
        if found:
            return found.group(1)
    raise ValueError(f"cell {index} holds a solution but no `qN.check(...)` cell follows it")


def solution_text(source: str) -> str:
    """The code between the markers of a solution cell, which must hold nothing else."""
    found = REGION.fullmatch(source.strip())
    if not found:
        raise ValueError("a solution cell must start with `### BEGIN SOLUTION` and end with `### END SOLUTION`, with "
                         f"only the solution between them:\n{source}")
    return found.group(1).rstrip("\n")


def solutions(cells: list) -> dict[str, str]:
    """``{"q1": code, ...}`` for a notebook's cells, in the notebook's order."""
    return {exercise_name(cells, i): solution_text(cell.source)
            for i, cell in enumerate(cells) if cell.cell_type == "code" and BEGIN in cell.source}


def _signature(node: ast.FunctionDef, source: str) -> str:
    """``def name(args) -> ret:`` as written (decorators and docstring kept), without the body."""
    lines = source.splitlines()
    first = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
    header = "\n".join(lines[first:node.body[0].lineno - 1]).rstrip()
    docstring = ast.get_docstring(node, clean=False)
    if docstring is not None:
        header = "\n".join(lines[first:node.body[0].end_lineno])
    return f"{header}\n    ...  # your code here"


def stub(solution: str, name: str) -> str:
    """What a student sees instead of ``solution``: each function it defines keeps its signature and gets ``...`` as
    its body, each name it assigns is bound to ``...``, and everything else (imports, training calls) is left out."""
    parts, seen = [], set()
    for node in ast.parse(solution).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            parts.append(_signature(node, solution) + "\n")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
            parts.extend(f"{n} = ..." for n in dict.fromkeys(names) if n not in seen)
            seen.update(names)
        elif isinstance(node, ast.ClassDef):
            raise ValueError(f"{name}: a solution may define functions and names, not class {node.name}: wrap it in "
                             "a function so that its stub can keep the signature")
    if not parts:
        raise ValueError(f"{name}: the solution binds no name, so the check has nothing to look at:\n{solution}")
    return (f"# Exercise {name}: your answer goes here. Replace each ... below; {name}.hint() helps if you are stuck.\n"
            + "\n".join(parts).rstrip("\n"))
