"""Hidden tests of notebook 06 (variational autoencoders): 4 + 3 points.

Both run on means, log-variances and noise drawn for every grading run; q1 is also run on symbolic Keras tensors, as
the VAE's loss runs it.
"""
from __future__ import annotations

import numpy as np

from course_utils import by_hand
from grading.hidden import HiddenTest, Task, as_array, call_each, judged

# --- q1: kl_divergence(mu, log_var), in keras.ops ----------------------------------------------------------------


def _q1_probes(rng: np.random.Generator) -> dict:
    calls = []
    for batch, latent in [(int(rng.integers(3, 9)), int(rng.integers(2, 6))), (1, int(rng.integers(6, 12)))]:
        calls.append([rng.normal(size=(batch, latent)).round(3).tolist(), rng.normal(size=(batch, latent)).round(3).tolist()])
    return {"calls": calls, "latent": int(rng.integers(2, 9))}


def _q1_collect(values: dict, probes: dict) -> dict:
    import keras

    from grading.runner import describe

    func = values["kl_divergence"]
    tensors = [[keras.ops.convert_to_tensor(np.array(a, "float32")) for a in call] for call in probes["calls"]]
    out = {"values": call_each(lambda mu, log_var: np.asarray(func(mu, log_var)), tensors)}
    try:
        mu, log_var = keras.Input((probes["latent"],)), keras.Input((probes["latent"],))
        out["symbolic"] = list(func(mu, log_var).shape)
    except BaseException as error:  # noqa: BLE001
        out["symbolic"] = {"error": describe(error)}
    return out


def _q1_shape(student, reference, probes):
    for got, (mu, _) in zip(student["values"], probes["calls"]):
        got = as_array(got)
        if got.shape == np.shape(mu):
            raise AssertionError("it returns one value per latent dimension; sum over the last axis for one KL per example")
        assert got.shape == (len(mu),), f"for {len(mu)} examples it should give {len(mu)} values, not shape {got.shape}"


def _q1_values(student, reference, probes):
    for got, (mu, log_var) in zip(student["values"], probes["calls"]):
        got, mu, log_var = as_array(got), np.asarray(mu), np.asarray(log_var)
        want = by_hand.kl_to_standard_normal(mu, log_var)
        if got.shape == want.shape and np.allclose(got, -want, rtol=1e-4):
            raise AssertionError("the sign is flipped: a KL divergence is never negative")
        slide = -0.5 * np.sum(1 + np.exp(log_var) - mu ** 2 - 0.5 * log_var, axis=-1)
        if got.shape == want.shape and np.allclose(got, slide, rtol=1e-4):
            raise AssertionError("that is the slide's misprinted form: the terms are 1 + log sigma^2 - mu^2 - sigma^2")
        assert got.shape == want.shape and np.allclose(got, want, rtol=1e-4), (
            f"for a batch of {len(mu)} codes of {mu.shape[1]} dimensions the values are wrong: log_var is log sigma^2 "
            "already, and sigma^2 = exp(log_var)")


def _q1_symbolic(student, reference, probes):
    got = student["symbolic"]
    if isinstance(got, dict):
        raise AssertionError(f"on Keras' symbolic tensors (as in the VAE's loss) it raised {got['error']}: use keras.ops")
    assert got == [None], f"on a batch of codes of unknown size it should give shape (None,), not {tuple(got)}"


# --- q2: reparameterize(mu, log_var, eps) -----------------------------------------------------------------------


def _q2_probes(rng: np.random.Generator) -> dict:
    shapes = [(int(rng.integers(2, 7)), int(rng.integers(2, 5))), (1, int(rng.integers(5, 10)))]
    return {"calls": [[rng.normal(size=s).round(3).tolist() for _ in range(3)] for s in shapes]}


def _q2_shape(student, reference, probes):
    for got, (mu, _, _) in zip(student, probes["calls"]):
        assert as_array(got).shape == np.shape(mu), f"z has mu's shape, {np.shape(mu)}, not {as_array(got).shape}"


def _q2_values(student, reference, probes):
    for got, (mu, log_var, eps) in zip(student, probes["calls"]):
        got, mu, log_var, eps = as_array(got), np.asarray(mu), np.asarray(log_var), np.asarray(eps)
        if got.shape == mu.shape and np.allclose(got, mu + np.exp(log_var) * eps):
            raise AssertionError("exp(log_var) is the variance; the noise is scaled by sigma = exp(log_var / 2)")
        assert got.shape == mu.shape and np.allclose(got, mu + np.exp(0.5 * log_var) * eps), (
            f"for codes of shape {mu.shape} z is wrong: z = mu + sigma * eps, with sigma = exp(log_var / 2)")


TASKS = [
    Task("q1", ("kl_divergence",), preload=("keras",), probes=_q1_probes, collect=_q1_collect, time_limit=30,
         forbidden=("course_utils.by_hand.kl_to_standard_normal",),
         tests=(HiddenTest("one KL per example, for two batches drawn", 1, judged(_q1_shape)),
                HiddenTest("its values, for two batches drawn", 2, judged(_q1_values)),
                HiddenTest("on symbolic Keras tensors: shape (None,)", 1, judged(_q1_symbolic)))),
    Task("q2", ("reparameterize",), probes=_q2_probes, time_limit=10,
         collect=lambda values, probes: call_each(values["reparameterize"], probes["calls"]),
         tests=(HiddenTest("z's shape, for two batches drawn", 1, judged(_q2_shape)),
                HiddenTest("z's values, for two batches drawn", 2, judged(_q2_values)))),
]
