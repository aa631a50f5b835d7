"""Exercises of notebook 07 (generative adversarial networks).

    >>> from keras import ops
    >>> from course_utils.exercises import nb07
    >>> nb07.q1.check(lambda real, fake: ops.mean(ops.softplus(-real)) + ops.mean(ops.softplus(fake)))
    Correct! ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise, keras_checks


def _softplus(x):
    return np.logaddexp(0, x)


def _check_d_loss(func) -> str:
    import keras

    rng = np.random.default_rng(8)
    real, fake = rng.normal(1, 2, 50).astype("float32"), rng.normal(-1, 2, 40).astype("float32")
    want = np.mean(_softplus(-real)) + np.mean(_softplus(fake))   # -mean(log D(x)) - mean(log(1 - D(G(z))))
    got = float(keras_checks.as_number(func(keras.ops.convert_to_tensor(real), keras.ops.convert_to_tensor(fake))))
    if not np.isfinite(got):
        raise AssertionError("the loss is not a finite number: D's outputs here are logits (any real number), not "
                             "probabilities. Turn them into probabilities with a sigmoid, or better use "
                             "`keras.losses.BinaryCrossentropy(from_logits=True)`.")
    if np.isclose(got, -want, rtol=1e-4):
        raise AssertionError("the sign is flipped: the discriminator MAXIMISES V, so its loss to minimise is -V.")
    if np.isclose(got, np.mean(_softplus(real)) + np.mean(_softplus(-fake)), rtol=1e-4):
        raise AssertionError("real and generated are swapped: D should call real images real (label 1) and generated "
                             "ones fake (label 0).")
    if np.isclose(got, want / 2, rtol=1e-4):
        raise AssertionError("that is the average of the two terms; here the loss is their sum, -V(D, G).")
    assert np.isclose(got, want, rtol=1e-4), ("the loss is -mean(log D(x)) - mean(log(1 - D(G(z)))) with D = "
                                              "sigmoid(logit): one binary cross-entropy against 1 for the real "
                                              "logits plus one against 0 for the generated ones.")
    half = float(keras_checks.as_number(func(keras.ops.zeros((8,)), keras.ops.zeros((8,)))))
    assert np.isclose(half, np.log(4), rtol=1e-4), "with every logit 0 (D = 1/2 everywhere) the loss must be log 4 = 1.386."
    out = keras_checks.symbolic(func, (), (), name="discriminator_loss")
    assert len(out.shape) == 0, f"the loss should be one number (shape ()), yours has shape {tuple(out.shape)}."
    return ("the discriminator's loss is -V(D, G), from logits; at the equilibrium (logits 0, D = 1/2) it is log 4, "
            "and the GAN's train_step below uses the same two cross-entropies.")


q1 = Exercise(
    "07", "q1",
    _check_d_loss,
    hint="bce = keras.losses.BinaryCrossentropy(from_logits=True); the loss is bce(ops.ones_like(real_logits), "
         "real_logits) + bce(ops.zeros_like(fake_logits), fake_logits).",
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
    "07", "q2",
    _check_coverage,
    hint="labels = probabilities.argmax(axis=1); np.bincount(labels, minlength=10) counts them per class; divide by len(labels).",
)
