"""Hidden tests of notebook 01 (image basics): 3 + 2 + 2 points.

q1 runs on a small random colour photo drawn for every grading run (``photo`` is set to it before the answer cell),
so only an answer that computes from ``photo`` passes; q3's kernel is applied to a random image.
"""
from __future__ import annotations

import numpy as np

from course_utils import by_hand
from course_utils.exercises import whole_number
from grading.hidden import HiddenTest, Task, as_array, encode, judged


def _q1_probes(rng: np.random.Generator) -> dict:
    return {"photo": rng.integers(0, 256, (int(rng.integers(5, 9)), int(rng.integers(5, 9)), 3)).tolist()}


def _floats(student, probes) -> np.ndarray:
    if isinstance(student, dict) and student.get("dtype", "float").startswith(("int", "uint")):
        raise AssertionError(f"the values are still whole numbers ({student['dtype']}): make them floats")
    got, photo = as_array(student), np.asarray(probes["photo"])
    assert got.shape == photo.shape, f"the shape should stay the photo's {photo.shape}, not {got.shape}"
    return got


def _q1_range(student, reference, probes):
    got = _floats(student, probes)
    assert got.min() >= 0 and got.max() <= 1, f"the values should lie in [0, 1], not [{got.min():g}, {got.max():g}]"


def _q1_values(student, reference, probes):
    got = _floats(student, probes)
    assert np.allclose(got, np.asarray(probes["photo"]) / 255.0, atol=1e-6), "the values are not photo / 255"


def _count(student, index: int, what: str) -> int:
    if not isinstance(student, list) or len(student) != 2:
        raise AssertionError("n_inputs and n_weights should both be set")
    return whole_number(student[index], what)


def _q2_inputs(student, reference, probes):
    got = _count(student, 0, "the number of inputs")
    assert got == reference[0], f"{got} inputs is not right"


def _q2_weights(student, reference, probes):
    got = _count(student, 1, "the number of parameters")
    assert got == reference[1], f"{got} parameters is not right"


def _q3_probes(rng: np.random.Generator) -> dict:
    return {"image": rng.random((7, 9)).round(3).tolist()}


def _q3_moves_right(student, reference, probes):
    kernel = as_array(student)
    assert kernel.shape == (3, 3), f"the kernel should be 3 x 3, not {kernel.shape}"
    image = np.asarray(probes["image"])
    got = by_hand.correlate2d(image, kernel, padding=1)
    right, left = np.zeros_like(image), np.zeros_like(image)
    right[:, 1:], left[:, :-1] = image[:, :-1], image[:, 1:]
    if np.allclose(got, left):
        raise AssertionError("it moves the picture one pixel to the left")
    assert np.allclose(got, right), "it does not move every pixel one step to the right"


TASKS = [
    Task("q1", ("photo_float",), collect=lambda values, probes: encode(values["photo_float"]), probes=_q1_probes,
         setup=lambda probes: f"photo = np.array({probes['photo']}, dtype=np.uint8)", time_limit=10,
         tests=(HiddenTest("the photo's shape, in floats", 1, judged(lambda s, r, p: _floats(s, p))),
                HiddenTest("values in [0, 1]", 1, judged(_q1_range)),
                HiddenTest("each value is the pixel / 255", 1, judged(_q1_values)))),
    Task("q2", ("n_inputs", "n_weights"), time_limit=10,
         collect=lambda values, probes: [encode(values["n_inputs"]), encode(values["n_weights"])],
         tests=(HiddenTest("the number of inputs of the dense layer", 1, judged(_q2_inputs)),
                HiddenTest("its number of parameters", 1, judged(_q2_weights)))),
    Task("q3", ("shift_right",), collect=lambda values, probes: encode(values["shift_right"]), probes=_q3_probes,
         time_limit=10, tests=(HiddenTest("moves a random image one pixel to the right", 2, judged(_q3_moves_right)),)),
]
