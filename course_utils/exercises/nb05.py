"""Exercises of notebook 05 (autoencoders).

    >>> import numpy as np
    >>> from course_utils.exercises import nb05
    >>> nb05.q1.check(lambda images, std, seed: np.clip(images + np.random.default_rng(seed).normal(0, std, images.shape), 0, 1))
    Correct! ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise


def _check_noise(func) -> str:
    grey = np.full((200, 28, 28), 0.5, dtype="float32")
    noisy = np.asarray(func(grey, 0.1, 0))
    assert noisy.shape == grey.shape, f"the noisy images should keep the shape {grey.shape}, yours have {noisy.shape}."
    assert not np.allclose(noisy, grey), "your images came back unchanged: add noise drawn from a normal distribution."
    assert noisy.min() >= 0 and noisy.max() <= 1, "pixels must stay in [0, 1]: clip after adding the noise."
    spread = float((noisy - grey).std())
    assert abs(spread - 0.1) < 0.01, (f"with std=0.1 on a mid-grey image the noise should have a standard deviation "
                                     f"of about 0.1, yours has {spread:.3f}. Is std the scale, not the variance?")
    again = np.asarray(func(grey, 0.1, 0))
    assert np.array_equal(noisy, again), "the same seed must give the same noise: draw it from np.random.default_rng(seed)."
    assert not np.array_equal(noisy, np.asarray(func(grey, 0.1, 1))), "a different seed should give different noise."
    black = np.asarray(func(np.zeros((50, 28, 28), "float32"), 0.5, 0))
    assert black.min() >= 0 and 0.15 < black.mean() < 0.25, "on a black image half the noise is clipped to 0; is the clip after the addition?"
    return "clean images in, noisy copies out, still valid images."


q1 = Exercise(
    "q1",
    _check_noise,
    hint="rng = np.random.default_rng(seed); add rng.normal(0, std, images.shape); then np.clip(..., 0, 1).",
    solution=("def noisy_copy(images, std, seed):\n"
              "    rng = np.random.default_rng(seed)\n"
              "    return np.clip(images + rng.normal(0, std, images.shape), 0, 1)"),
)


def _check_auc(func) -> str:
    rng = np.random.default_rng(5)
    cases = [(np.array([0.1, 0.2, 0.3]), np.array([0.4, 0.5]), 1.0),
             (np.array([0.4, 0.5]), np.array([0.1, 0.2, 0.3]), 0.0),
             (np.array([0.1, 0.3]), np.array([0.2, 0.4]), 0.75),
             (np.array([0.2, 0.2]), np.array([0.2]), 0.5)]
    normal, anomalous = rng.normal(0, 1, 300), rng.normal(1, 1, 200)
    from sklearn.metrics import roc_auc_score

    cases.append((normal, anomalous, roc_auc_score(np.r_[np.zeros(300), np.ones(200)], np.r_[normal, anomalous])))
    for normal, anomalous, want in cases:
        got = float(func(normal, anomalous))
        if len(normal) < 5 and abs(got - (1 - want)) < 1e-9 and want != 0.5:
            raise AssertionError("your AUC is one minus the right one: count the pairs where the ANOMALY has the higher score.")
        if want == 0.5 and len(anomalous) == 1 and got in (0.0, 1.0):
            raise AssertionError("a tie (equal scores) counts one half: the model cannot tell that pair apart.")
        assert abs(got - want) < 1e-9, f"for normal scores {np.round(normal[:4], 2)}... and anomalous {np.round(anomalous[:4], 2)}... the AUC is {want:.4f}, you give {got:.4f}."
    return "the AUC is the chance that a random anomaly scores higher than a random normal image; it equals sklearn's roc_auc_score."


q2 = Exercise(
    "q2",
    _check_auc,
    hint=("Compare every anomalous score with every normal score: anomalous[:, None] > normal[None, :] is a table of "
          "all pairs. Its mean is the AUC, plus one half of the share of ties."),
    solution=("def auc(normal, anomalous):\n"
              "    a, n = np.asarray(anomalous)[:, None], np.asarray(normal)[None, :]\n"
              "    return (a > n).mean() + 0.5 * (a == n).mean()"),
)
