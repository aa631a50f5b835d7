"""What grading writes: a CSV of points per student and exercise, a feedback page per student (what passed, what
failed and why, never a hidden test's code) and a class summary (per exercise: mean, distribution, the most common
failure) with a picture.

    >>> from grading.engine import ExerciseResult, SubmissionResult, TestResult
    >>> ada = SubmissionResult("ada", "02.ipynb", [ExerciseResult("q1", 2, [TestResult("sizes", 2, 2)])])
    >>> rows(([ada]))[0]
    {'student': 'ada', 'file': '02.ipynb', 'q1': 2, 'total': 2, 'points': 2, 'notes': ''}
"""
from __future__ import annotations

import csv
import html
from collections import Counter
from pathlib import Path

from grading.engine import SubmissionResult


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 2)


def rows(results: list[SubmissionResult]) -> list[dict]:
    """One row per student: points per exercise, the total, the maximum and the notes on the submission."""
    return [{"student": r.student, "file": r.file or "", **{e.name: _number(e.earned) for e in r.exercises},
             "total": _number(r.earned), "points": _number(r.points), "notes": "; ".join(r.notes)} for r in results]


def write_csv(results: list[SubmissionResult], path: Path) -> None:
    table = rows(results)
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)


def feedback_page(result: SubmissionResult, notebook: str) -> str:
    """A student's feedback as a small HTML page."""
    e = html.escape
    parts = [f"<!doctype html><meta charset='utf-8'><title>Notebook {e(notebook)}: {e(result.student)}</title>",
             "<style>body{font-family:sans-serif;max-width:52em;margin:2em auto}td,th{padding:.2em .6em;"
             "text-align:left;vertical-align:top}.no{color:#b00}.yes{color:#070}</style>",
             f"<h1>Notebook {e(notebook)}: {_number(result.earned)} of {_number(result.points)} points</h1>",
             f"<p>Graded file: {e(result.file or 'none')}</p>"]
    parts += [f"<p>{e(note)}</p>" for note in result.notes]
    for exercise in result.exercises:
        parts.append(f"<h2>{e(exercise.name)}: {_number(exercise.earned)} of {_number(exercise.points)}</h2>")
        if exercise.reason:
            parts.append(f"<p class='no'>{e(exercise.reason)}</p>")
        parts += [f"<p>{e(note)}</p>" for note in exercise.notes]
        parts.append("<table><tr><th>tested</th><th>points</th><th></th></tr>")
        for test in exercise.tests:
            mark = "<span class='yes'>passed</span>" if test.earned else f"<span class='no'>{e(test.reason or 'not run')}</span>"
            parts.append(f"<tr><td>{e(test.description)}</td><td>{_number(test.earned)} / {_number(test.points)}</td>"
                         f"<td>{mark}</td></tr>")
        parts.append("</table>")
    return "\n".join(parts) + "\n"


def _failure(exercise) -> str | None:
    """The one reason that best says why an exercise lost points: its own, or its first failed test's."""
    if exercise.reason:
        return exercise.reason
    failed = [t for t in exercise.tests if not t.earned]
    return f"{failed[0].description}: {failed[0].reason}" if failed else None


def summary(results: list[SubmissionResult], notebook: str) -> str:
    """The class summary in Markdown: per exercise the mean, how many students earned each number of points, and the
    most common reason for losing points."""
    lines = [f"# Notebook {notebook}: {len(results)} submissions", "",
             "| exercise | points | mean | students per points earned | most common failure |", "|---|---|---|---|---|"]
    for i, exercise in enumerate(results[0].exercises):
        earned = [r.exercises[i].earned for r in results]
        spread = ", ".join(f"{_number(p)}: {n}" for p, n in sorted(Counter(earned).items()))
        failures = Counter(f for r in results if (f := _failure(r.exercises[i])))
        common = f"{failures.most_common(1)[0][0]} ({failures.most_common(1)[0][1]})" if failures else "-"
        lines.append(f"| {exercise.name} | {_number(exercise.points)} | {sum(earned) / len(earned):.2f} | {spread} | "
                     f"{common.replace('|', '/')} |")
    totals = [r.earned for r in results]
    lines += ["", f"Total: mean {sum(totals) / len(totals):.2f} of {_number(results[0].points)}, "
                  f"lowest {_number(min(totals))}, highest {_number(max(totals))}."]
    return "\n".join(lines) + "\n"


def summary_figure(results: list[SubmissionResult], notebook: str):
    """Per exercise, the share of its points the class earned; and the distribution of totals. A Figure of its own,
    outside pyplot: grading leaves no open figure behind."""
    from matplotlib.figure import Figure

    names = [e.name for e in results[0].exercises]
    shares = [sum(r.exercises[i].earned for r in results) / (len(results) * results[0].exercises[i].points)
              for i in range(len(names))]
    fig = Figure(figsize=(9, 3.2))
    left, right = fig.subplots(1, 2)
    left.bar(names, shares, color="tab:blue")
    left.set(ylim=(0, 1), ylabel="share of the points earned", title=f"Notebook {notebook}, per exercise")
    right.hist([r.earned for r in results], bins=range(int(results[0].points) + 2), align="left", color="tab:green")
    right.set(xlabel="total points", ylabel="students", title=f"{len(results)} submissions")
    fig.tight_layout()
    return fig


def write_all(results: list[SubmissionResult], notebook: str, out: Path) -> None:
    """grades.csv, feedback/<student>.html, summary.md and summary.png under ``out``."""
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    write_csv(results, out / "grades.csv")
    for result in results:
        (out / "feedback" / f"{result.student}.html").write_text(feedback_page(result, notebook))
    (out / "summary.md").write_text(summary(results, notebook))
    summary_figure(results, notebook).savefig(out / "summary.png", dpi=100)
