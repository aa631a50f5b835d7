"""Hidden tests of notebook 02 (convolution by hand): 4 + 2 + 3 points.

q1 is run on new images and kernels drawn for every grading run (non-square kernels, a 1 x 1 kernel, a kernel as
large as the image, which the public check never shows); q2's two numbers are scored one by one; q3's kernel is
tried on flat images and on random horizontal and vertical stripes.
"""
from __future__ import annotations

import numpy as np

from course_utils import by_hand
from course_utils.exercises import whole_number
from grading.hidden import HiddenTest, Task, as_array, call_each, encode, judged

# --- q1: my_correlate(image, kernel) ---------------------------------------------------------------------------

SHAPES = {"square": [((8, 8), (3, 3))], "oblong": [((6, 11), (2, 3)), ((9, 5), (4, 2))],
          "edge cases": [((5, 7), (1, 1)), ((4, 4), (4, 4))]}


def _q1_probes(rng: np.random.Generator) -> dict:
    def draw(image, kernel, kind):
        if kind == "edge cases" and kernel == (1, 1):
            return [rng.normal(size=image).round(3).tolist(), rng.normal(size=kernel).round(3).tolist()]
        return [rng.integers(-9, 10, image).tolist(), rng.integers(-3, 4, kernel).tolist()]
    return {kind: [draw(image, kernel, kind) for image, kernel in pairs] for kind, pairs in SHAPES.items()}


def _q1_collect(values: dict, probes: dict) -> dict:
    return {kind: call_each(values["my_correlate"], calls) for kind, calls in probes.items()}


def _values(kind: str):
    def check(student, reference, probes):
        for got, want, (image, kernel) in zip(student[kind], reference[kind], probes[kind]):
            got, want = as_array(got), as_array(want)
            where = f"for a {np.shape(image)[0]} x {np.shape(image)[1]} image and a {np.shape(kernel)[0]} x " \
                    f"{np.shape(kernel)[1]} kernel"
            assert got.shape == want.shape, f"{where} the output should be {want.shape[0]} x {want.shape[1]}, not {got.shape}"
            if not np.allclose(got, want) and np.allclose(got, by_hand.convolve2d(image, kernel)):
                raise AssertionError(f"{where} it flips the kernel: that is true convolution, which deep learning's "
                                     "layers do not do")
            assert np.allclose(got, want), f"{where} the values are wrong"
    return check


def _shapes(student, reference, probes):
    for kind in SHAPES:
        for got, want, (image, kernel) in zip(student[kind], reference[kind], probes[kind]):
            got, want = as_array(got), as_array(want)
            assert got.shape == want.shape, (f"a {np.shape(image)} image and a {np.shape(kernel)} kernel should give "
                                             f"{want.shape}, not {got.shape}")


# --- q2: answer = ((height, width, depth), parameters) ------------------------------------------------------------

def _q2_collect(values: dict, probes) -> object:
    return encode(values["answer"])


def _pair(student):
    if not isinstance(student, list) or len(student) != 2:
        raise AssertionError(f"the answer should be a pair (shape, parameters), not {str(student)[:60]}")
    return student


def _q2_shape(student, reference, probes):
    shape, want = _pair(student)[0], reference[0]
    assert isinstance(shape, list) and len(shape) == 3, f"the shape should be (height, width, depth), not {shape}"
    got = [whole_number(v, "each size in the shape") for v in shape]
    assert got == want, f"the shape {tuple(got)} is not right"


def _q2_parameters(student, reference, probes):
    got = whole_number(_pair(student)[1], "the number of parameters")
    assert got == reference[1], f"{got} parameters is not right"


# --- q3: horizontal_edges, a 3 x 3 kernel --------------------------------------------------------------------------

def _q3_probes(rng: np.random.Generator) -> dict:
    rows, columns = rng.normal(size=(10, 1)), rng.normal(size=(1, 10))
    return {"flat": float(rng.uniform(0.1, 1)), "horizontal": np.repeat(rows, 10, axis=1).tolist(),
            "vertical": np.repeat(columns, 10, axis=0).tolist()}


def _q3_collect(values: dict, probes) -> object:
    return encode(values["horizontal_edges"])


def _kernel(student) -> np.ndarray:
    kernel = as_array(student)
    assert kernel.shape == (3, 3), f"the kernel should be 3 x 3, not {kernel.shape}"
    return kernel


def _q3_flat(student, reference, probes):
    response = by_hand.correlate2d(np.full((6, 6), probes["flat"]), _kernel(student))
    assert np.abs(response).max() < 1e-9, "a flat grey image gives a response: its weights should add up to 0"


def _q3_vertical(student, reference, probes):
    response = by_hand.correlate2d(probes["vertical"], _kernel(student))
    assert np.abs(response).max() < 1e-9, "it responds to vertical stripes, where no horizontal edge is"


def _q3_horizontal(student, reference, probes):
    kernel = _kernel(student)
    edge = np.r_[np.zeros((3, 6)), np.ones((3, 6))]  # dark above, bright below
    response, step = by_hand.correlate2d(probes["horizontal"], kernel), by_hand.correlate2d(edge, kernel)
    assert np.abs(step).max() > 0.5 and np.abs(response).max() > 0.5, "it does not respond to horizontal edges"


TASKS = [
    Task("q1", ("my_correlate",), collect=_q1_collect, probes=_q1_probes, time_limit=20,
         forbidden=("course_utils.by_hand.correlate2d", "scipy.signal.correlate2d", "scipy.signal.correlate",
                    "scipy.signal.convolve2d", "scipy.signal.convolve", "scipy.ndimage.correlate"),
         tests=(HiddenTest("output sizes, (H - kh + 1) x (W - kw + 1), for five images and kernels", 1, judged(_shapes)),
                HiddenTest("values for a square image and a 3 x 3 kernel", 1, judged(_values("square"))),
                HiddenTest("values for oblong images and kernels (2 x 3, 4 x 2)", 1, judged(_values("oblong"))),
                HiddenTest("values for a 1 x 1 kernel on real numbers and a kernel as large as the image", 1,
                           judged(_values("edge cases"))))),
    Task("q2", ("answer",), collect=_q2_collect, time_limit=10,
         tests=(HiddenTest("the output's shape (height, width, depth)", 1, judged(_q2_shape)),
                HiddenTest("the number of parameters", 1, judged(_q2_parameters)))),
    Task("q3", ("horizontal_edges",), collect=_q3_collect, probes=_q3_probes, time_limit=10,
         tests=(HiddenTest("0 on a flat image", 1, judged(_q3_flat)),
                HiddenTest("0 on vertical stripes", 1, judged(_q3_vertical)),
                HiddenTest("a response to horizontal edges", 1, judged(_q3_horizontal)))),
]
