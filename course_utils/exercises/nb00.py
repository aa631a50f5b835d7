"""Warm-up exercises of notebook 00 (welcome): how check, hint and solution work.

    >>> import numpy as np
    >>> from course_utils.exercises import nb00
    >>> nb00.q1.check(np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]]))
    Correct! ...
"""
from __future__ import annotations

import numpy as np

from .. import runtime
from . import Exercise


def _check_middle(answer) -> str:
    answer = np.asarray(answer)
    assert answer.shape == (3, 3), f"the array should have shape (3, 3), yours has {answer.shape}."
    assert answer[1, 1] == 1, "the centre, row 1 and column 1 (counting from 0), should be 1."
    assert answer.sum() == 1, f"only the centre is 1, every other entry 0; yours has {int(np.count_nonzero(answer))} non-zero entries."
    return "This array is the 'identity' kernel of notebook 01: sliding it over an image changes nothing."


q1 = Exercise(
    "00", "q1",
    _check_middle,
    hint="start from np.zeros((3, 3)) and set one entry; NumPy counts rows and columns from 0.",
)


def _check_profile(answer) -> str:
    if isinstance(answer, runtime.Profile):
        raise AssertionError("that is the whole Profile; its name is the string `profile.name`.")
    active = runtime.profile()
    assert answer in runtime.PROFILES, f"the profile is one of {', '.join(runtime.PROFILES)}; yours is {answer!r}."
    assert answer == active.name, f"{answer!r} is a profile, but not this kernel's: look at the line runtime.setup() printed."
    return "Every notebook sizes its data and training from this profile."


q2 = Exercise(
    "00", "q2",
    _check_profile,
    hint="runtime.setup() returned the profile and printed it on its line; the `profile` variable has a `.name`.",
)
