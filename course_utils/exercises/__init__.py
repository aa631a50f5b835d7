"""Exercise checks in the style of Kaggle Learn: ``check``, ``hint`` and ``solution``, friendly and quiet.

A check never raises: an answer that is missing, wrong, or breaks gets a short message that says what is wrong and
where to look. ``solution()`` shows the notebook's own solution cell (exported by ``make export``).

    >>> from course_utils.exercises import nb02
    >>> nb02.q2.check(((32, 32, 16), 784))
    Correct! ...
    >>> nb02.q2.passed
    True
    >>> nb02.q2.check(...)
    q2: not answered yet. Replace each ... with your answer, run the cell, then this check again.
"""
from __future__ import annotations

import dis
import traceback
from typing import Any, Callable


def _does_nothing(code) -> bool:
    """True for the code of a function whose body is only ``...``, ``pass`` or a docstring: it returns None."""
    steps = [(i.opname, i.argval) for i in dis.get_instructions(code) if i.opname not in ("RESUME", "NOP", "CACHE")]
    return steps in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


def is_stub(answer: Any) -> bool:
    """True for ``...``, ``None`` and a function whose body is only ``...`` (or ``pass``): an unanswered exercise."""
    code = getattr(answer, "__code__", None)
    return answer is Ellipsis or answer is None or (code is not None and _does_nothing(code))


def _course_reference(answer: Any) -> str | None:
    """The dotted name of ``answer`` when it is one of the course's own functions (not the student's work)."""
    module = getattr(answer, "__module__", None) or ""
    ours = module.startswith("course_utils.") and not module.startswith("course_utils.exercises")
    if callable(answer) and ours and hasattr(answer, "__qualname__"):
        return f"{module.removeprefix('course_utils.')}.{answer.__qualname__}"
    return None


def _where(error: BaseException) -> str:
    """The last line of the student's own code (a notebook cell, not a library) that the error passed through."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if "ipykernel" in frame.filename or frame.filename.startswith("<"):
            line = (frame.line or "").strip()
            return f" It happened in your code, at `{line}`." if line else " It happened in your own code."
    return ""


class Exercise:
    """One exercise of notebook ``notebook``: a checker that raises ``AssertionError`` with advice when the answer
    is wrong and returns a line of praise when it is right."""

    def __init__(self, notebook: str, name: str, checker: Callable[..., str | None], hint: str):
        self.notebook, self.name, self._checker, self._hint = notebook, name, checker, hint
        self.passed: bool | None = None

    def check(self, *answer: Any) -> None:
        """Check an answer and print whether it is right, with advice when it is not."""
        self.passed = False
        if not answer or any(is_stub(a) for a in answer):
            print(f"{self.name}: not answered yet. Replace each ... with your answer, run the cell, then this check again.")
            return
        reference = next(filter(None, map(_course_reference, answer)), None)
        if reference:
            print(f"Not quite ({self.name}): `{reference}` is the course's own version, not yours. Write your own "
                  f"in the answer cell; `{self.name}.hint()` helps.")
            return
        try:
            praise = self._checker(*answer)
        except AssertionError as wrong:
            print(f"Not quite ({self.name}): {wrong} Try `{self.name}.hint()` if you are stuck.")
            return
        except NotImplementedError:
            print(f"{self.name}: not answered yet (your code raises NotImplementedError).")
            return
        except Exception as error:  # noqa: BLE001 - a broken answer must never crash the notebook
            print(f"Your answer to {self.name} could not be checked: {type(error).__name__}: {error}.{_where(error)} "
                  f"Is it the kind of value the exercise asks for? `{self.name}.hint()` may help.")
            return
        self.passed = True
        print(f"Correct! {praise or ''}".rstrip())

    def hint(self) -> None:
        """Print a hint."""
        print(f"Hint ({self.name}): {self._hint}")

    def solution(self) -> None:
        """Print the notebook's own solution."""
        from .solutions import SOLUTIONS

        print(f"Solution ({self.name}):\n{SOLUTIONS[self.notebook][self.name]}")

    def __repr__(self) -> str:
        return f"<exercise {self.name} of notebook {self.notebook}: .check(answer), .hint(), .solution()>"
