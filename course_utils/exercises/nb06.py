"""Exercises of notebook 06 (variational autoencoders).

    >>> from course_utils.exercises import nb06
    >>> from keras import ops
    >>> nb06.q1.check(lambda mu, log_var: -0.5 * ops.sum(1 + log_var - ops.square(mu) - ops.exp(log_var), axis=-1))
    Correct! ...
"""
from __future__ import annotations

import numpy as np

from .. import by_hand
from . import Exercise, keras_checks


def _check_kl(func) -> str:
    import keras

    rng = np.random.default_rng(6)
    mu, log_var = rng.normal(size=(5, 3)).astype("float32"), rng.normal(size=(5, 3)).astype("float32")
    want = by_hand.kl_to_standard_normal(mu, log_var)
    got = keras_checks.as_number(func(keras.ops.convert_to_tensor(mu), keras.ops.convert_to_tensor(log_var)))
    if got.shape == mu.shape:
        raise AssertionError("you return one value per latent dimension; sum over the last axis to get one KL per example.")
    assert got.shape == want.shape, f"for mu and log_var of shape {mu.shape} the answer has shape {want.shape} (one KL per example), yours {got.shape}."
    slide = -0.5 * np.sum(1 + np.exp(log_var) - mu ** 2 - 0.5 * log_var, axis=-1)
    if np.allclose(got, slide, rtol=1e-4):
        raise AssertionError("that is the slide's form, which can go negative; a KL divergence never does. The terms are 1 + log sigma^2 - mu^2 - sigma^2.")
    if np.allclose(got, -want, rtol=1e-4):
        raise AssertionError("the sign is flipped: KL = -1/2 * sum(1 + log_var - mu^2 - exp(log_var)), never negative.")
    assert np.allclose(got, want, rtol=1e-4), "check each term: log_var is log sigma^2 already, and sigma^2 = exp(log_var)."
    out = keras_checks.symbolic(func, (3,), (3,), name="kl_divergence")
    assert tuple(out.shape) == (None,), f"on a batch of codes the answer should have shape (batch,), yours {tuple(out.shape)}."
    return ("KL(N(mu, sigma^2) || N(0, 1)) in closed form, in `keras.ops`: it works on tensors, so the VAE's loss "
            "below uses exactly this line.")


q1 = Exercise(
    "06", "q1",
    _check_kl,
    hint="sigma^2 is ops.exp(log_var); add the four terms 1 + log_var - ops.square(mu) - sigma^2, sum them with "
         "ops.sum(..., axis=-1) and multiply by -1/2. Use `keras.ops` throughout, not `np`.",
)


def _check_reparameterize(func) -> str:
    rng = np.random.default_rng(7)
    mu, log_var, eps = rng.normal(size=(4, 2)), rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    got = np.asarray(func(mu, log_var, eps), dtype=float)
    assert got.shape == mu.shape, f"z has the shape of mu, {mu.shape}; yours is {got.shape}."
    if np.allclose(got, mu + np.exp(log_var) * eps):
        raise AssertionError("exp(log_var) is the variance sigma^2; the noise is scaled by the standard deviation sigma = exp(log_var / 2).")
    if np.allclose(got, mu + log_var * eps):
        raise AssertionError("log_var is a logarithm: turn it into sigma = exp(log_var / 2) before scaling the noise.")
    assert np.allclose(got, mu + np.exp(0.5 * log_var) * eps), "z = mu + sigma * eps, with sigma = exp(log_var / 2)."
    return "z = mu + sigma * eps: the randomness is in eps, so the gradient reaches mu and sigma."


q2 = Exercise(
    "06", "q2",
    _check_reparameterize,
    hint="The encoder gives the log of the variance. sigma = exp(log_var / 2); then shift and scale the standard normal noise eps.",
)
