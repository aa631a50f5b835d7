"""Hidden tests: for each graded notebook, a module ``nbNN`` with ``TASKS``, one ``Task`` per exercise.

A task names the values its answer cell binds, draws fresh inputs (``probes``) in the grader for every grading run,
``collect``s what the answer does with them inside the sandbox (and, for a network, may ``evaluate`` what collect saved
in a second process that runs no student code), and scores that in the grader with its ``tests``:
each test has a description the student sees, points, and a judge that returns ``None`` when the answer passes and the
reason when it does not. The hidden tests and their inputs never reach a student's environment: this folder is not
part of the ``course_utils`` package, and the feedback shows descriptions and reasons, never code.

    >>> from grading import hidden
    >>> [task.name for task in hidden.load("02").TASKS]
    ['q1', 'q2', 'q3']
"""
from __future__ import annotations

import importlib
import numbers
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable

import numpy as np

MISSING = "<missing>"  # an answer name the answer cell did not bind
MAX_ELEMENTS = 100_000  # an answer's array larger than this is refused rather than sent back


@dataclass(frozen=True)
class HiddenTest:
    description: str  # what the feedback says was tested, e.g. "values for non-square kernels (2 x 3, 4 x 2)"
    points: float
    judge: Callable[[Any, Any, Any], str | None]  # (student's collected, reference's collected, probes) -> why not


@dataclass(frozen=True)
class Task:
    name: str  # "q1"
    names: tuple[str, ...]  # what the answer cell binds, e.g. ("my_correlate",)
    tests: tuple[HiddenTest, ...]
    collect: Callable[[dict, Any], Any]  # in the sandbox: (answer values by name, probes) -> JSON-able
    probes: Callable[[np.random.Generator], Any] = lambda rng: None  # in the grader: fresh inputs for this run
    setup: Callable[[Any], str] = lambda probes: ""  # code run before the answer cell, given the probes (a photo...)
    preload: tuple[str, ...] = ()  # modules imported before the answer runs: TensorFlow's import starts a process
    # and binds a socket, which an answer may not do, so an answer or collect() that imports it later would fail
    evaluate: Callable[[Any, Any, Any], Any] | None = None  # in a second process that runs no student code:
    # (collected, probes, the folder collect saved into) -> what the grader measured (a network it trained, say)
    forbidden: tuple[str, ...] = ()  # dotted names of functions that do the exercise for the student
    time_limit: float = 30.0  # seconds for the answer cell and collect together

    @property
    def points(self) -> float:
        return sum(test.points for test in self.tests)


def load(notebook: str) -> ModuleType:
    """The hidden tests of notebook ``notebook`` ("02"); a clear error for a notebook without them."""
    try:
        return importlib.import_module(f"grading.hidden.nb{notebook}")
    except ModuleNotFoundError as missing:
        raise ValueError(f"notebook {notebook} has no hidden tests yet (grading/hidden/nb{notebook}.py); "
                         f"graded so far: {', '.join(graded_notebooks())}.") from missing


def graded_notebooks() -> list[str]:
    from pathlib import Path

    return sorted(p.stem[2:] for p in Path(__file__).parent.glob("nb[0-9][0-9].py"))


# --- in the sandbox: what an answer did, as plain JSON ------------------------------------------------------------

def encode(value: Any) -> Any:
    """A value as JSON the grader can judge: numbers, text, lists, and arrays as {"array": nested lists, "dtype"}.
    Anything else becomes {"type": its type's name}.

    >>> encode((np.array([[1, 2]]), 784.0, "x"))
    [{'array': [[1, 2]], 'dtype': 'int64'}, 784.0, 'x']
    """
    if value is MISSING or value is Ellipsis or value is None:
        return {"type": "missing" if value is MISSING else type(value).__name__}
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        if value.size > MAX_ELEMENTS:
            return {"type": f"array of {value.size:,} numbers (too large to grade)"}
        return {"array": value.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value[:MAX_ELEMENTS]]
    return {"type": type(value).__name__}


def call_each(func: Any, calls: list[list]) -> list:
    """``func(*args)`` for each argument list (arrays given as lists, numbers as they are), each result encoded, or
    {"error": ...}."""
    from grading.runner import describe

    if not callable(func):
        return [{"error": f"not a function but {encode(func)}"}] * len(calls)
    out = []
    for args in calls:
        try:
            out.append(encode(func(*[np.array(a) if isinstance(a, list) else a for a in args])))
        except BaseException as error:  # noqa: BLE001 - a failing input fails its test, the others still count
            out.append({"error": describe(error)})
    return out


# --- in the grader: reading what came back ----------------------------------------------------------------------

def as_array(collected: Any) -> np.ndarray:
    """The array an answer gave, or AssertionError with what it gave instead."""
    if isinstance(collected, dict) and "error" in collected:
        raise AssertionError(f"it raised {collected['error']}")
    if isinstance(collected, dict) and "array" in collected:
        return np.asarray(collected["array"], dtype=float)
    if isinstance(collected, dict) and "type" in collected:
        raise AssertionError(f"it gave {collected['type']}, not an array")
    try:
        array = np.asarray(collected, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"it gave {str(collected)[:80]}, not an array of numbers") from None
    return array


def judged(check: Callable[..., None]) -> Callable[[Any, Any, Any], str | None]:
    """Turn a check that raises AssertionError with a reason into a judge that returns the reason (None: passed)."""
    def judge(student: Any, reference: Any, probes: Any) -> str | None:
        try:
            check(student, reference, probes)
        except AssertionError as why:
            return str(why) or "wrong"
        except Exception as error:  # noqa: BLE001 - an answer of an unexpected shape fails the test, with the reason
            return f"its result could not be read ({type(error).__name__}: {error})"
        return None
    return judge
