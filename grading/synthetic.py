"""Synthetic classes, for the grading benchmark: ``n`` submissions of a notebook built from its student release, each
answer cell filled with one kind of answer in turn: right (the notebook's own solution), partly right (the first
exercise holds a typical mistake, the rest are right) and empty (handed in as released).

    >>> [kind for kind, _ in kinds("02")]
    ['right', 'partly right', 'empty']
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from course_utils.exercises.regions import solutions
from grading.engine import exercise_mark, instructor_notebook

# One typical mistake per notebook, in its first exercise.
MISTAKES = {
    "00": {"q1": "middle = np.eye(3)"},
    "01": {"q1": "photo_float = photo // 255"},
    "02": {"q1": ("def my_correlate(image, kernel):\n    kh, kw = kernel.shape\n"
                  "    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))\n"
                  "    for i in range(out.shape[0]):\n        for j in range(out.shape[1]):\n"
                  "            out[i, j] = (image[i:i + kh, j:j + kw] * np.flip(kernel)).sum()\n    return out")},
    "03": {"q1": "flat_size, dense_params = 5 * 5 * 128, 5 * 5 * 128 * 128 + 128"},
    "04": {"q1": ("def make_windows(values, window, horizon=1, step=1):\n"
                  "    starts = range(0, len(values) - window - horizon + 1, step)\n"
                  "    x = np.array([values[s:s + window] for s in starts])\n"
                  "    y = np.array([values[s + window + horizon] for s in starts if s + window + horizon < len(values)])\n"
                  "    return x, y")},
    "08": {"q1": "fc1_params = 7 * 7 * 512 * 4096"},
    "09": {"q1": ("def epoch_seconds(input_s, compute_s, speedup, prefetch):\n"
                  "    return input_s + compute_s / speedup")},
}


def kinds(notebook: str) -> list[tuple[str, dict[str, str | None]]]:
    """(kind, {exercise: answer cell, or None to keep the released stub}) for each kind of submission."""
    right = solutions(nbformat.read(instructor_notebook(notebook), as_version=4).cells)
    return [("right", dict(right)), ("partly right", {**right, **MISTAKES.get(notebook, {})}),
            ("empty", {name: None for name in right})]


def write_class(notebook: str, n: int, folder: Path) -> list[str]:
    """Write ``n`` submissions into ``folder``/studentNNN/ (kinds in turn) and return the kind of each."""
    from tools.release import student_version

    path = instructor_notebook(notebook)
    released = student_version(nbformat.read(path, as_version=4))
    choices, written = kinds(notebook), []
    for i in range(n):
        kind, answers = choices[i % len(choices)]
        nb = nbformat.from_dict(released)
        for cell in nb.cells:
            if answers.get(exercise_mark(cell)) is not None:
                cell.source = answers[exercise_mark(cell)]
        (folder / f"student{i:03d}").mkdir(parents=True)
        nbformat.write(nb, folder / f"student{i:03d}" / path.name)
        written.append(kind)
    return written
