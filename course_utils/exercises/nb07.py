"""Exercises of notebook 07 (generative adversarial networks).

    >>> import numpy as np
    >>> from course_utils.exercises import nb07
    >>> nb07.q1.check(lambda d_real, d_fake: -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake)))
    Correct! ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise


def _check_d_loss(func) -> str:
    rng = np.random.default_rng(8)
    d_real, d_fake = rng.uniform(0.05, 0.95, 50), rng.uniform(0.05, 0.95, 40)
    want = -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake))
    got = float(func(d_real, d_fake))
    if np.isclose(got, -want):
        raise AssertionError("the sign is flipped: the discriminator MAXIMISES V, so its loss to minimise is -V.")
    if np.isclose(got, -np.mean(np.log(d_fake)) - np.mean(np.log(1 - d_real))):
        raise AssertionError("real and generated are swapped: D should output 1 for real images (log D(x)) and 0 for generated ones (log(1 - D(G(z)))).")
    if np.isclose(got, want / 2):
        raise AssertionError("that is the average of the two terms; here the loss is their sum, -V(D, G).")
    assert np.isclose(got, want), "the loss is -mean(log D(x)) - mean(log(1 - D(G(z)))), from probabilities in (0, 1)."
    half = float(func(np.full(8, 0.5), np.full(8, 0.5)))
    assert np.isclose(half, np.log(4)), "at D = 1/2 everywhere the loss must be log 4 = 1.386."
    return "the discriminator's loss is -V(D, G); at the equilibrium D = 1/2 it is log 4."


q1 = Exercise(
    "q1",
    _check_d_loss,
    hint="Two binary cross-entropies: real images have label 1 (-log D(x)), generated ones label 0 (-log(1 - D(G(z)))). Average each over its batch, then add.",
    solution=("def discriminator_loss(d_real, d_fake):\n"
              "    return -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake))"),
)


def _check_coverage(func) -> str:
    rng = np.random.default_rng(9)
    logits = rng.normal(size=(500, 10)) * 3
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    want = np.bincount(probabilities.argmax(axis=1), minlength=10) / len(probabilities)
    got = np.asarray(func(probabilities), dtype=float)
    assert got.shape == (10,), f"one share per class: the answer has shape (10,), yours {got.shape}. Did you pass minlength to np.bincount?"
    if np.allclose(got, probabilities.mean(axis=0)):
        raise AssertionError("that is the mean probability per class; count instead which class each sample is GIVEN (its argmax).")
    if np.allclose(got, want * len(probabilities)):
        raise AssertionError("those are counts; divide by the number of samples to get shares that add up to 1.")
    assert np.isclose(got.sum(), 1), f"the shares should add up to 1, yours add up to {got.sum():.3f}."
    assert np.allclose(got, want), "each sample counts once, for its most probable class (argmax over axis 1)."
    few = np.asarray(func(np.eye(10)[[3, 3, 3, 5]]), dtype=float)
    assert few.shape == (10,) and np.allclose(few, [0, 0, 0, 0.75, 0, 0.25, 0, 0, 0, 0]), "classes no sample is given must appear with share 0 (np.bincount(..., minlength=10))."
    return "the share of samples the classifier gives to each class: a collapsed generator leaves some at 0."


q2 = Exercise(
    "q2",
    _check_coverage,
    hint="labels = probabilities.argmax(axis=1); np.bincount(labels, minlength=10) counts them per class; divide by len(labels).",
    solution=("def class_shares(probabilities):\n"
              "    labels = probabilities.argmax(axis=1)\n"
              "    return np.bincount(labels, minlength=probabilities.shape[1]) / len(labels)"),
)
