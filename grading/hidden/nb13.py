"""Hidden tests of notebook 13 (CIFAR-10): 4 + 5 points.

q1 runs on colour images drawn for every grading run; q2's network is built for two numbers of classes in the student's
process and trained by the grader on images drawn for the run, in a process that runs no student code.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from grading.hidden import HiddenTest, Task, as_array, call_each, judged
from grading.hidden.keras_layers import built, learned, loss_before_after, saved_network, size_judge

# --- q1: standardise_channels(train, images) ------------------------------------------------------------------


def _q1_probes(rng: np.random.Generator) -> dict:
    size = (int(rng.integers(4, 9)), int(rng.integers(4, 9)))
    means, spreads = rng.uniform(40, 200, 3), rng.uniform(10, 60, 3)
    train = np.clip(rng.normal(means, spreads, (int(rng.integers(10, 30)), *size, 3)), 0, 255).astype("uint8")
    images = np.clip(rng.normal(means[::-1], spreads, (3, *size, 3)), 0, 255).astype("uint8")
    return {"calls": [[train.tolist(), images.tolist()], [train.tolist(), images[:1].tolist()]]}


def _q1_shape(student, reference, probes):
    for got, want in zip(student, reference):
        assert as_array(got).shape == as_array(want).shape, f"the result should be {as_array(want).shape}, not {as_array(got).shape}"


def _q1_per_channel(student, reference, probes):
    got, want = as_array(student[0]), as_array(reference[0])
    train, images = (np.asarray(a, dtype=float) for a in probes["calls"][0])
    if got.shape == want.shape and np.allclose(got, (images - train.mean()) / train.std(), atol=1e-5):
        raise AssertionError("one mean and one std for all three channels: each colour channel gets its own")
    assert got.shape == want.shape and np.allclose(got, want, atol=1e-5), (
        "(images - mean) / std, with one mean and one standard deviation per colour channel from `train`")


def _q1_from_train(student, reference, probes):
    got, want = as_array(student[1]), as_array(reference[1])
    image = np.asarray(probes["calls"][1][1], dtype=float)
    if got.shape == want.shape and np.allclose(got, (image - image.mean(axis=(0, 1, 2))) / image.std(axis=(0, 1, 2))):
        raise AssertionError("one image was standardised with its own statistics: take them from `train`")
    assert got.shape == want.shape and np.allclose(got, want, atol=1e-5), (
        "one image standardised is wrong: the means and standard deviations come from `train`, one per channel")


# --- q2: cifar_cnn(n_classes) ---------------------------------------------------------------------------------

STEPS = 30  # Adam steps the grader trains the student's network for


def _q2_probes(rng: np.random.Generator) -> dict:
    return {"sizes": [[10], [int(rng.choice([2, 3, 5, 7]))]], "seed": int(rng.integers(2**31))}


def _q2_evaluate(collected: dict, probes: dict, folder: Path) -> dict:
    """Train the student's network on 64 colour images whose class is their dominant colour."""
    import keras

    rng = np.random.default_rng(probes["seed"])
    y = np.arange(64) % 10
    palette = rng.uniform(-1, 1, (10, 3))
    x = (palette[y][:, None, None, :] + 0.5 * rng.normal(size=(64, 32, 32, 3))).astype("float32")
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    return loss_before_after(saved_network(folder), probes["seed"], x, y, loss, STEPS, 1e-3)



TASKS = [
    Task("q1", ("standardise_channels",), probes=_q1_probes, time_limit=15,
         collect=lambda values, probes: call_each(values["standardise_channels"], probes["calls"]),
         tests=(HiddenTest("the result's shape, for images of a size drawn", 1, judged(_q1_shape)),
                HiddenTest("one mean and one standard deviation per channel", 2, judged(_q1_per_channel)),
                HiddenTest("one image standardised with the training set's statistics", 1, judged(_q1_from_train)))),
    Task("q2", ("cifar_cnn",), preload=("keras",), probes=_q2_probes,
         collect=lambda values, probes: built(values["cifar_cnn"], probes["sizes"]),
         evaluate=_q2_evaluate, time_limit=60,
         tests=(HiddenTest("layers, shapes and parameters for 10 classes", 2, judged(size_judge("cifar_cnn", 0))),
                HiddenTest("the same for a number of classes drawn", 1, judged(size_judge("cifar_cnn", 1))),
                HiddenTest(f"trained by the grader for {STEPS} steps on coloured images, its loss falls by half or more",
                           2, judged(learned(STEPS, 0.5, "are the layers connected, and the last one Dense(n_classes) "
                                                         "giving logits?"))))),
]
