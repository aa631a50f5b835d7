"""Exercise checks in the style of Kaggle Learn: ``check``, ``hint`` and ``solution``, friendly and quiet.

A check never raises: a wrong answer, or one that breaks the checker, gets a short message.

    >>> from course_utils.exercises import nb02
    >>> nb02.q1.check(((32, 32, 16), 784))
    Correct! ...
    >>> nb02.q1.passed
    True
"""
from __future__ import annotations

from typing import Any, Callable


class Exercise:
    """One exercise: a checker that raises ``AssertionError`` with advice when the answer is wrong."""

    def __init__(self, name: str, checker: Callable[..., str | None], hint: str, solution: str):
        self.name, self._checker, self._hint, self._solution = name, checker, hint, solution
        self.passed: bool | None = None

    def check(self, *answer: Any) -> None:
        """Check an answer and print whether it is right, with advice when it is not."""
        if not answer or any(a is Ellipsis or a is None for a in answer):
            self.passed = False
            print(f"{self.name}: no answer yet. Replace the `...` with your answer, run the cell, then check again.")
            return
        try:
            praise = self._checker(*answer)
        except AssertionError as wrong:
            self.passed = False
            print(f"Not quite ({self.name}): {wrong} Try `{self.name}.hint()` if you are stuck.")
            return
        except Exception as error:  # noqa: BLE001 - a broken answer must never crash the notebook
            self.passed = False
            print(f"Your answer to {self.name} could not be checked: {type(error).__name__}: {error}. "
                  f"Is it the kind of value asked for? `{self.name}.hint()` may help.")
            return
        self.passed = True
        print(f"Correct! {praise or ''}".rstrip())

    def hint(self) -> None:
        """Print a hint."""
        print(f"Hint ({self.name}): {self._hint}")

    def solution(self) -> None:
        """Print a worked solution."""
        print(f"Solution ({self.name}):\n{self._solution}")

    def __repr__(self) -> str:
        return f"<exercise {self.name}: .check(answer), .hint(), .solution()>"
