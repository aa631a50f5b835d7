"""Exercises of notebook 01 (image basics).

    >>> from course_utils.exercises import nb01
    >>> nb01.q2.check(784, 100480)
    Correct! ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise, whole_number


def _check_float_photo(answer) -> str:
    from .. import data

    photo = data.load("grace_hopper")
    answer = np.asarray(answer)
    assert answer.shape == photo.shape, f"the shape should stay {photo.shape}, yours is {answer.shape}."
    assert np.issubdtype(answer.dtype, np.floating), f"the values should be floats, yours are {answer.dtype}."
    assert answer.min() >= 0 and answer.max() <= 1, f"the values should lie in [0, 1]; yours span [{answer.min():g}, {answer.max():g}]."
    assert np.allclose(answer, photo / 255.0, atol=1e-6), "right range, but not photo / 255 pixel by pixel."
    return "255 becomes 1.0 and 0 stays 0.0; the picture looks the same."


q1 = Exercise(
    "01", "q1",
    _check_float_photo,
    hint="uint8 stores 0..255. Divide by the largest value; NumPy turns the result into floats.",
)


def _check_dense_count(n_inputs, n_weights) -> str:
    n_inputs, n_weights = whole_number(n_inputs, "the number of inputs"), whole_number(n_weights, "the number of parameters")
    assert n_inputs == 784, f"{n_inputs} inputs? A 28x28 image flattens to 28 * 28 numbers."
    assert n_weights != 784 * 128, "close: you counted the weights but forgot one bias per unit."
    assert n_weights == 100_480, f"{n_weights} parameters? Each of the 128 units has one weight per input plus a bias."
    return "784 * 128 weights + 128 biases = 100,480, and not one of them knows which pixels are neighbours."


q2 = Exercise(
    "01", "q2",
    _check_dense_count,
    hint="Flattening gives one number per pixel. A dense unit has a weight for every input and one bias.",
)


def _check_shift_kernel(kernel) -> str:
    from ..by_hand import correlate2d

    kernel = np.asarray(kernel, dtype=float)
    assert kernel.shape == (3, 3), f"the kernel should be 3x3, yours is {kernel.shape}."
    image = np.random.default_rng(1).random((8, 8))
    got = correlate2d(image, kernel, padding=1)
    want, left = np.zeros_like(image), np.zeros_like(image)
    want[:, 1:], left[:, :-1] = image[:, :-1], image[:, 1:]
    if np.allclose(got, left):
        raise AssertionError("this moves the picture to the left; mirror your kernel left to right.")
    assert np.allclose(got, want), "applied to an image, this kernel does not move every pixel one step to the right."
    return "out[i, j] = image[i, j - 1]: the kernel reads from the left neighbour, so the picture moves right."


q3 = Exercise(
    "01", "q3",
    _check_shift_kernel,
    hint="Start from the identity kernel (a single 1 in the middle). Output pixel (i, j) should copy "
         "input pixel (i, j - 1): which kernel position sits over the left neighbour?",
)
