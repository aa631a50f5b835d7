"""Exercises of notebook 02 (convolution by hand).

    >>> from course_utils.exercises import nb02
    >>> nb02.q2.check(((32, 32, 16), 784))
    Correct! ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise, whole_number


def _check_layer_numbers(answer) -> str:
    shape, params = answer
    shape = tuple(whole_number(v, "each size in the shape") for v in shape)
    params = whole_number(params, "the number of parameters")
    assert shape[:2] != (64, 64), "the stride is 2, so the map cannot keep its 64x64 size."
    assert shape[:2] == (32, 32), f"the spatial size {shape[:2]} is off: (64 - 4 + 2*1) / 2 + 1 = ?"
    assert shape[2:] == (16,), f"the depth should equal the number of filters, not {shape[2:]}."
    assert params != 4 * 4 * 3 * 16, "you counted the weights; add one bias per filter."
    assert params == 784, f"{params} parameters? Each filter has 4*4*3 weights plus one bias."
    return "(64 - 4 + 2) / 2 + 1 = 32, and 16 filters of 4*4*3 + 1 = 49 parameters make 784."


q2 = Exercise(
    "02", "q2",
    _check_layer_numbers,
    hint="Output size: (W - F + 2P) / S + 1 for height and width; the depth is the number of filters. "
         "A filter spans all input channels and has one bias.",
)


def _check_my_correlate(func) -> str:
    from ..by_hand import correlate2d

    rng = np.random.default_rng(7)
    for shape, k in [((5, 5), 3), ((6, 9), 2), ((8, 8), 3), ((4, 7), 1)]:
        image, kernel = rng.integers(-5, 6, shape), rng.integers(-2, 3, (k, k))
        got = np.asarray(func(image, kernel), dtype=float)
        want = correlate2d(image, kernel)
        assert got.shape == want.shape, f"for a {shape} image and a {k}x{k} kernel the output should be {want.shape}, yours is {got.shape}."
        if np.allclose(got, correlate2d(image, np.flip(kernel))) and not np.allclose(got, want):
            raise AssertionError("you flipped the kernel: that is true convolution. Deep learning's 'convolution' does not flip.")
        assert np.allclose(got, want), f"the values differ from the expected result for a {shape} image and a {k}x{k} kernel."
    return "two loops, one multiply-and-sum per position: that is all a conv layer does."


q1 = Exercise(
    "02", "q1",
    _check_my_correlate,
    hint="Output (i, j) is (image[i:i+kh, j:j+kw] * kernel).sum(); the output has "
         "(H - kh + 1) x (W - kw + 1) positions.",
)


def _check_horizontal_edge_kernel(kernel) -> str:
    from ..by_hand import correlate2d

    kernel = np.asarray(kernel, dtype=float)
    assert kernel.shape == (3, 3), f"use a 3x3 kernel; yours is {kernel.shape}."
    flat = np.ones((6, 6))
    assert np.allclose(correlate2d(flat, kernel), 0), "on a flat grey image the response should be 0: make the weights sum to 0."
    top_dark = np.vstack([np.zeros((3, 6)), np.ones((3, 6))])  # a horizontal edge
    left_dark = top_dark.T                                        # a vertical edge
    assert np.abs(correlate2d(left_dark, kernel)).max() < 1e-9, "it also reacts to vertical edges; it should ignore them."
    assert np.abs(correlate2d(top_dark, kernel)).max() > 0.5, "it does not react to a horizontal edge (dark above, bright below)."
    return "weights that differ between the rows above and below, and agree along each row, see only horizontal edges."


q3 = Exercise(
    "02", "q3",
    _check_horizontal_edge_kernel,
    hint="Turn the Sobel x kernel by 90 degrees: compare the row above with the row below instead of left with right.",
)
