"""Exercises of notebook 03 (a CNN for handwritten digits).

    >>> from course_utils.exercises import nb03
    >>> nb03.q1.check(1152, 147584)
    Correct! ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise


def _check_dense_head(flat_size, params) -> str:
    assert int(flat_size) != 5 * 5 * 128, "5 x 5 is the map before block 3; its valid 3x3 conv shrinks it once more."
    assert int(flat_size) == 3 * 3 * 128, f"{flat_size}? Flatten multiplies height, width and channels of block 3's output."
    assert int(params) != 1152 * 128, "add the 128 biases."
    assert int(params) == 1152 * 128 + 128, f"{params}? One weight per input for each of the 128 units, plus a bias each."
    return "3 * 3 * 128 = 1,152 inputs; 1,152 * 128 + 128 = 147,584 parameters, most of the network's."


q1 = Exercise(
    "q1",
    _check_dense_head,
    hint="Follow the shapes: 28 -> 26 (conv) -> 13 (pool) -> 11 (conv) -> 5 (pool) -> 3 (conv), with 128 channels at the end.",
    solution="flat_size = 3 * 3 * 128               # 1152\ndense_params = flat_size * 128 + 128  # 147584",
)


def _check_accuracy(func) -> str:
    rng = np.random.default_rng(3)
    for n, k in [(50, 10), (7, 3), (200, 5)]:
        probs = rng.dirichlet(np.ones(k), size=n)
        labels = rng.integers(0, k, n)
        want = float(np.mean(probs.argmax(axis=1) == labels))
        got = func(probs, labels)
        assert np.ndim(got) == 0, "return one number, not an array."
        if np.isclose(got, want * 100):
            raise AssertionError("right idea, but return a fraction between 0 and 1, not a percentage.")
        assert np.isclose(float(got), want), f"for {n} predictions over {k} classes the accuracy should be {want:.3f}, yours is {float(got):.3f}."
    return "accuracy = mean(argmax(probabilities) == label)."


q2 = Exercise(
    "q2",
    _check_accuracy,
    hint="The predicted class is the index of the largest probability in each row: `probs.argmax(axis=1)`.",
    solution="def accuracy(probs, labels):\n    return np.mean(probs.argmax(axis=1) == labels)",
)
