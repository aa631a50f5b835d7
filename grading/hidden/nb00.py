"""Hidden tests of notebook 00 (welcome): 2 + 1 points, warm-ups.

q2 is graded under the ``lite`` profile, whatever profile the student's kernel ran: an answer read from ``profile``
passes, a name typed by hand passes only by chance.
"""
from __future__ import annotations

import numpy as np

from grading.hidden import HiddenTest, Task, as_array, encode, judged

GRADED_PROFILE = "lite"


def _middle(student) -> np.ndarray:
    array = as_array(student)
    assert array.shape == (3, 3), f"the array should be 3 x 3, not {array.shape}"
    return array


def _centre_only(student, reference, probes):
    array = _middle(student)
    assert array[1, 1] == 1, "the centre (row 1, column 1, counting from 0) should be 1"
    assert np.count_nonzero(array) == 1, f"every entry but the centre should be 0; {np.count_nonzero(array)} are not"


def _profile(student, reference, probes):
    assert isinstance(student, str), f"the answer should be the profile's name, a string, not {str(student)[:60]}"
    assert student == reference, (f"{student!r}, but the notebook ran under {reference!r} when it was graded: read the "
                                  "name from `profile` rather than typing it")


TASKS = [
    Task("q1", ("middle",), collect=lambda values, probes: encode(values["middle"]), time_limit=10,
         tests=(HiddenTest("a 3 x 3 array", 1, judged(lambda s, r, p: _middle(s))),
                HiddenTest("1 in the centre, 0 everywhere else", 1, judged(_centre_only)))),
    Task("q2", ("my_profile",), collect=lambda values, probes: encode(values["my_profile"]), time_limit=20,
         setup=lambda probes: (f"import os\nos.environ['COURSE_PROFILE'] = {GRADED_PROFILE!r}\n"
                               "profile = runtime.profile()  # what runtime.setup returns, without starting TensorFlow"),
         tests=(HiddenTest("the name of the profile the notebook runs under", 1, judged(_profile)),)),
]
