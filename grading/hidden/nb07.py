"""Hidden tests of notebook 07 (GANs): 4 + 3 points.

q1 runs on logits drawn for every grading run, as tensors and as symbolic Keras tensors; q2 on probabilities over a
number of classes drawn too.
"""
from __future__ import annotations

import numpy as np

from course_utils.exercises.nb07 import _softplus  # the public check's, log(1 + e^x)
from grading.hidden import HiddenTest, Task, as_array, call_each, judged

# --- q1: discriminator_loss(real_logits, fake_logits) -----------------------------------------------------------


def _q1_probes(rng: np.random.Generator) -> dict:
    real, fake = int(rng.integers(20, 60)), int(rng.integers(20, 60))
    return {"logits": [rng.normal(1, 2, real).round(3).tolist(), rng.normal(-1, 2, fake).round(3).tolist()],
            "large": [rng.normal(40, 5, 8).round(3).tolist(), rng.normal(-40, 5, 8).round(3).tolist()],
            "zeros": int(rng.integers(3, 12))}


def _q1_collect(values: dict, probes: dict) -> dict:
    import keras

    from grading.runner import describe

    func = values["discriminator_loss"]
    tensors = lambda *arrays: [keras.ops.convert_to_tensor(np.array(a, "float32")) for a in arrays]  # noqa: E731
    n = probes["zeros"]
    out = {kind: call_each(lambda real, fake: np.asarray(func(real, fake)), [tensors(*args)])[0]
           for kind, args in [("logits", probes["logits"]), ("large", probes["large"]), ("zeros", [[0] * n, [0] * n])]}
    try:
        out["symbolic"] = list(func(keras.Input(()), keras.Input(())).shape)
    except BaseException as error:  # noqa: BLE001
        out["symbolic"] = {"error": describe(error)}
    return out


def _q1_value(student, reference, probes):
    real, fake = map(np.asarray, probes["logits"])
    got = as_array(student["logits"])
    assert got.ndim == 0, f"the loss should be one number, not an array of shape {got.shape}"
    want = np.mean(_softplus(-real)) + np.mean(_softplus(fake))
    if np.isclose(got, -want, rtol=1e-4):
        raise AssertionError("the sign is flipped: the discriminator maximises V, so its loss is -V")
    if np.isclose(got, np.mean(_softplus(real)) + np.mean(_softplus(-fake)), rtol=1e-4):
        raise AssertionError("real and generated are swapped: real logits should be called real (1), generated fake (0)")
    if np.isclose(got, want / 2, rtol=1e-4):
        raise AssertionError("that is the mean of the two cross-entropies; the loss is their sum")
    assert np.isclose(got, want, rtol=1e-4), (
        f"for {len(real)} real and {len(fake)} generated logits the loss is not {float(got):.4f}: "
        "-mean(log D(x)) - mean(log(1 - D(G(z)))) with D = sigmoid(logit)")


def _q1_stable(student, reference, probes):
    got, zeros = as_array(student["large"]), as_array(student["zeros"])
    assert np.isfinite(got) and got < 1e-3, (
        f"for confident logits (about +40 real, -40 generated) the loss should be near 0, not {float(got)}: work from "
        "the logits (BinaryCrossentropy(from_logits=True)), a sigmoid first rounds to 0 and 1")
    assert np.isclose(zeros, np.log(4), rtol=1e-4), f"with every logit 0 the loss is log 4 = 1.386, not {float(zeros):.4f}"


def _q1_symbolic(student, reference, probes):
    got = student["symbolic"]
    if isinstance(got, dict):
        raise AssertionError(f"on Keras' symbolic tensors it raised {got['error']}: use keras.ops or keras.losses")
    assert got == [], f"on symbolic logits the loss should be one number (shape ()), not shape {tuple(got)}"


# --- q2: class_shares(probabilities) ----------------------------------------------------------------------------


def _q2_probes(rng: np.random.Generator) -> dict:
    n, classes = int(rng.integers(80, 200)), int(rng.choice([3, 5, 7, 12]))
    logits = rng.normal(size=(n, classes)) * 3
    logits[:, int(rng.integers(classes))] -= 50  # a class no sample is given
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return {"calls": [[probabilities.round(5).tolist()]], "classes": classes}


def _q2_shares(student, reference, probes):
    got, want = as_array(student[0]), as_array(reference[0])
    probabilities = np.asarray(probes["calls"][0][0])
    assert got.shape == want.shape, (f"for {probes['classes']} classes there are {probes['classes']} shares, not "
                                     f"shape {got.shape} (minlength is the number of columns, not 10)")
    if np.allclose(got, probabilities.mean(axis=0)):
        raise AssertionError("that is the mean probability per class; count which class each sample is given (argmax)")
    if np.allclose(got, want * len(probabilities)):
        raise AssertionError("those are counts; divide by the number of samples")
    assert np.allclose(got, want), f"for {len(probabilities)} samples the shares are wrong"


def _q2_empty(student, reference, probes):
    got, want = as_array(student[0]), as_array(reference[0])
    assert got.shape == want.shape and np.allclose(got[want == 0], 0), "a class no sample is given must have share 0"


TASKS = [
    Task("q1", ("discriminator_loss",), preload=("keras",), probes=_q1_probes, collect=_q1_collect, time_limit=30,
         tests=(HiddenTest("its value on real and generated logits drawn", 2, judged(_q1_value)),
                HiddenTest("finite and right for confident logits, log 4 for zeros", 1, judged(_q1_stable)),
                HiddenTest("on symbolic Keras tensors: one number", 1, judged(_q1_symbolic)))),
    Task("q2", ("class_shares",), probes=_q2_probes, time_limit=10,
         collect=lambda values, probes: call_each(values["class_shares"], probes["calls"]),
         tests=(HiddenTest("the shares, for a number of classes drawn", 2, judged(_q2_shares)),
                HiddenTest("share 0 for a class no sample is given", 1, judged(_q2_empty)))),
]
