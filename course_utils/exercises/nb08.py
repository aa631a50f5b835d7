"""Exercises of notebook 08 (architectures and transfer learning).

    >>> from course_utils.exercises import nb08
    >>> nb08.q1.check(102_764_544)
    Correct! ...
"""
from __future__ import annotations

from . import Exercise


def _check_fc1(params) -> str:
    assert int(params) != 7 * 7 * 512 * 4096, "that counts the weights only; add the 4,096 biases."
    assert int(params) != 224 * 224 * 3 * 4096, "the first dense layer sees the last pooling output, not the image."
    assert int(params) == 7 * 7 * 512 * 4096 + 4096, f"{params:,}? Flatten the 7 x 7 x 512 map, then one weight per input per unit plus a bias."
    return "102,764,544: three quarters of VGG16's 138M parameters sit in this one layer."


q1 = Exercise(
    "q1",
    _check_fc1,
    hint="The last max pooling leaves a 7 x 7 x 512 map. Each of the 4,096 units has one weight per number in it, plus a bias.",
    solution="fc1_params = 7 * 7 * 512 * 4096 + 4096   # 102,764,544",
)


def _check_receptive_field(func) -> str:
    cases = {(1, 3): 3, (2, 3): 5, (3, 3): 7, (5, 3): 11, (2, 5): 9, (4, 1): 1}
    for (layers, k), want in cases.items():
        got = int(func(layers, k))
        assert got == want, f"{layers} stacked {k}x{k} layers (stride 1) see {want} x {want} input pixels, not {got}."
    return "each stride-1 k x k layer widens the view by k - 1 pixels: 1 + L (k - 1)."


q2 = Exercise(
    "q2",
    _check_receptive_field,
    hint="One 3x3 layer sees 3 pixels across. A second one looks at 3 neighbouring outputs of the first: how far apart are their outermost input pixels?",
    solution="def receptive_field(layers, k=3):\n    return 1 + layers * (k - 1)",
)
