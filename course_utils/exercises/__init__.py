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
import functools
import signal
import sys
import threading
import traceback
import types
from contextlib import contextmanager
from typing import Any, Callable, Iterator

HELPERS = {"by_hand.sigmoid"}  # course functions an answer may call: a building block, not the exercise's answer
TIME_LIMIT_S = 120  # a check that takes longer stops with advice (Keras checks train a few steps: seconds)


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
    while isinstance(answer, functools.partial):
        answer = answer.func
    module = getattr(answer, "__module__", None) or ""
    ours = module.startswith("course_utils.") and not module.startswith("course_utils.exercises")
    if callable(answer) and ours and hasattr(answer, "__qualname__"):
        return f"{module.removeprefix('course_utils.')}.{answer.__qualname__}"
    return None


_LOADS = {"LOAD_GLOBAL", "LOAD_NAME", "LOAD_DEREF", "LOAD_CLASSDEREF"}
_ATTRIBUTES = {"LOAD_ATTR", "LOAD_METHOD"}


def _lookups(code: types.CodeType) -> Iterator[tuple[str, list[str]]]:
    """What ``code`` (and the code nested in it) looks up: ("name", [global, attribute, ...]) for a global or closure
    variable and the attributes read from it, ("import", [module, name, ...]) for an import and its names."""
    steps = list(dis.get_instructions(code))
    for i, step in enumerate(steps):
        if step.opname in _LOADS or step.opname == "IMPORT_NAME":
            chain = [step.argval]
            for later in steps[i + 1:]:
                if step.opname in _LOADS and later.opname in _ATTRIBUTES:
                    chain.append(later.argval)
                elif step.opname == "IMPORT_NAME" and later.opname == "IMPORT_FROM":
                    chain.append(later.argval)
                elif later.opname not in ("STORE_FAST", "STORE_NAME", "STORE_DEREF", "POP_TOP", "CACHE"):
                    break
            yield ("name" if step.opname in _LOADS else "import"), chain
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _lookups(const)


def _resolve(kind: str, chain: list[str], scope: dict) -> list[Any]:
    """The objects a lookup reaches: a global followed through the attributes read from it while it is a module,
    or the names imported from a course module."""
    if kind == "import":
        module = sys.modules.get(chain[0]) if chain[0].startswith("course_utils") else None
        return [getattr(module, name, None) for name in chain[1:]] if module else []
    found = scope.get(chain[0])
    for attribute in chain[1:]:
        if not isinstance(found, types.ModuleType):
            break
        found = getattr(found, attribute, None)
    return [found]


def course_functions_called(answer: Any, depth: int = 3) -> list[str]:
    """The course functions (outside ``HELPERS``) that the function ``answer`` uses: by name, through a module
    (``by_hand.gru_step``), imported inside it, or in a function of the student's that it calls. A wrapper around
    the course's own version is not the student's work.

    >>> from course_utils import by_hand
    >>> course_functions_called(lambda *args: by_hand.gru_step(*args))
    ['by_hand.gru_step']
    >>> course_functions_called(lambda x: 1 / (1 + by_hand.sigmoid(x)))
    []
    """
    found: set[str] = set()
    pending, seen = [(answer, depth)], set()
    while pending:
        func, level = pending.pop()
        while isinstance(func, functools.partial):
            func = func.func
        if _course_reference(func):  # the course's own code may call what it likes
            found.add(_course_reference(func))
            continue
        code = getattr(func, "__code__", None)
        if code is None or level == 0 or code in seen:
            continue
        seen.add(code)
        scope = dict(getattr(func, "__globals__", {}))
        for name, cell in zip(code.co_freevars, getattr(func, "__closure__", None) or ()):
            try:
                scope[name] = cell.cell_contents
            except ValueError:  # a variable not yet assigned
                pass
        for kind, chain in _lookups(code):
            for obj in _resolve(kind, chain, scope):
                reference = _course_reference(obj)
                if reference:
                    found.add(reference)
                elif isinstance(obj, (types.FunctionType, functools.partial)):
                    pending.append((obj, level - 1))
    return sorted(found - HELPERS)


def whole_number(value: Any, what: str) -> int:
    """``value`` as an ``int`` when it is a whole number (an int, a NumPy integer or a float such as 784.0); text,
    ``True``/``False`` and fractions are refused with advice, where ``int()`` would turn "784" into 784 and cut
    58.6 to 58.

    >>> whole_number(784.0, "the number of inputs")
    784
    >>> whole_number("784", "the number of inputs")
    Traceback (most recent call last):
    AssertionError: the number of inputs should be a number, not the text '784': leave out the quotes.
    """
    import numbers

    if isinstance(value, str):
        raise AssertionError(f"{what} should be a number, not the text {value!r}: leave out the quotes.")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise AssertionError(f"{what} should be a whole number, not {value!r} ({type(value).__name__}).")
    if value != int(value):
        raise AssertionError(f"{what} is a whole number, and {value!r} is not: look for a division that should "
                             "round (// rounds down, math.ceil up).")
    return int(value)


class _OutOfTime(BaseException):
    """Raised inside a check that ran past its time limit (a BaseException, so an answer's `except Exception`
    does not swallow it)."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` with ``_OutOfTime``: a timer signal, so only in the main thread of a
    system that has one (Linux and macOS, a notebook's kernel); elsewhere the block runs without a limit."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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

    def __init__(self, notebook: str, name: str, checker: Callable[..., str | None], hint: str,
                 time_limit: float = TIME_LIMIT_S):
        self.notebook, self.name, self._checker, self._hint = notebook, name, checker, hint
        self.time_limit = time_limit
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
        wrapped = next(filter(None, map(course_functions_called, answer)), None)
        if wrapped:
            print(f"Not quite ({self.name}): your answer calls `{wrapped[0]}`, the course's own version, not yours. "
                  f"Write the steps yourself in the answer cell; `{self.name}.hint()` helps.")
            return
        try:
            with _time_limit(self.time_limit):
                praise = self._checker(*answer)
        except AssertionError as wrong:
            print(f"Not quite ({self.name}): {wrong} Try `{self.name}.hint()` if you are stuck.")
            return
        except NotImplementedError:
            print(f"{self.name}: not answered yet (your code raises NotImplementedError).")
            return
        except _OutOfTime:
            print(f"Not quite ({self.name}): the check stopped after {self.time_limit:g} s without an answer. Look for a "
                  "loop that never ends (a `while` whose condition never changes) or work far larger than the exercise "
                  "asks, then run the check again.")
            return
        except SystemExit:
            print(f"Your answer to {self.name} called exit() (SystemExit): a function gives its result with `return`, "
                  "and the kernel should keep running.")
            return
        except KeyboardInterrupt:
            print(f"The check of {self.name} was interrupted (KeyboardInterrupt) before it finished; run it again.")
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
        """Print the notebook's own solution (the graded release has none to show, and says so)."""
        from .solutions import SOLUTIONS

        solution = SOLUTIONS.get(self.notebook, {}).get(self.name)
        if solution is None:
            print(f"{self.name}: this release of the course shows no solutions (your exercises are graded). "
                  f"`{self.name}.hint()` helps.")
            return
        print(f"Solution ({self.name}):\n{solution}")

    def __repr__(self) -> str:
        return f"<exercise {self.name} of notebook {self.notebook}: .check(answer), .hint(), .solution()>"
