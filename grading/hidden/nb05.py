"""Hidden tests of notebook 05 (autoencoders): 4 + 6 + 3 points.

q1 and q3 run on images and scores drawn for every grading run; q2's network is built for two sizes in the student's
process, and the grader loads it in a process that runs no student code to read its noise and train a fresh copy.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from grading.hidden import HiddenTest, Task, as_array, call_each, judged
from grading.hidden.keras_layers import built, learned, loss_before_after, saved_network, size_judge

# --- q1: noisy_copy(images, std, seed) --------------------------------------------------------------------------


def _q1_probes(rng: np.random.Generator) -> dict:
    n, size = int(rng.integers(20, 40)), int(rng.choice([14, 20, 28]))
    std, seed = round(float(rng.uniform(0.05, 0.12)), 3), int(rng.integers(2**16))
    return {"shape": [n, size, size], "std": std, "seed": seed, "wide": round(float(rng.uniform(0.4, 0.8)), 3),
            "images": rng.uniform(size=(6, size, size)).round(3).tolist()}


def _q1_collect(values: dict, probes: dict) -> dict:
    grey = np.full(probes["shape"], 0.5, dtype="float32")
    std, seed = probes["std"], probes["seed"]
    calls = {"photos": [probes["images"], std, seed], "grey": [grey, std, seed], "again": [grey, std, seed],
             "other seed": [grey, std, seed + 1], "black": [np.zeros_like(grey), probes["wide"], seed]}
    return {kind: call_each(values["noisy_copy"], [args])[0] for kind, args in calls.items()}


def _q1_valid(student, reference, probes):
    photos, want = as_array(student["photos"]), np.asarray(probes["images"])
    assert photos.shape == want.shape, f"for {want.shape[0]} images of {want.shape[1]} x {want.shape[2]} the copies are {photos.shape}"
    assert not np.allclose(photos, want), "the copies came back unchanged: add noise drawn from a normal distribution"
    assert photos.min() >= 0 and photos.max() <= 1, "pixels must stay in [0, 1]: clip after adding the noise"


def _q1_spread(student, reference, probes):
    noise = as_array(student["grey"]) - 0.5
    assert noise.shape == tuple(probes["shape"]), f"the noisy images should keep the shape {tuple(probes['shape'])}"
    assert abs(noise.mean()) < 0.01 and abs(noise.std() - probes["std"]) < 0.1 * probes["std"], (
        f"with std={probes['std']} on a mid-grey image the noise should have mean 0 and standard deviation "
        f"{probes['std']}, yours {noise.mean():.3f} and {noise.std():.3f} (is std the scale, not the variance?)")


def _clipped_mean(std: float) -> float:
    """The mean of clip(z, 0, 1) for z ~ N(0, std^2): a black pixel after the noise and the clip."""
    pdf = lambda t: math.exp(-t * t / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    return std * (pdf(0) - pdf(1 / std)) + 0.5 * math.erfc(1 / std / math.sqrt(2))


def _q1_clipped(student, reference, probes):
    got, want = as_array(student["black"]), _clipped_mean(probes["wide"])
    assert got.min() >= 0 and abs(got.mean() - want) < 0.02, (
        f"on black images with std={probes['wide']} half the noise is clipped to 0, so the mean pixel should be about "
        f"{want:.3f}, yours is {got.mean():.3f}: clip the noisy image (image + noise), once")


def _q1_seeded(student, reference, probes):
    first, again, other = (as_array(student[kind]) for kind in ("grey", "again", "other seed"))
    assert np.array_equal(first, again), "the same seed must give the same noise: draw it from np.random.default_rng(seed)"
    assert not np.array_equal(first, other), "a different seed should give different noise: use `seed`"


# --- q2: denoising_autoencoder(noise_std, bottleneck) -----------------------------------------------------------

STEPS = 40  # Adam steps the grader trains the student's network for, on one batch


def _q2_probes(rng: np.random.Generator) -> dict:
    noise, bottleneck = float(rng.choice([0.2, 0.25, 0.4])), int(rng.choice([8, 12, 24]))
    return {"sizes": [[noise, bottleneck], [0.1, int(rng.choice([4, 6]))]], "seed": int(rng.integers(2**31))}


def _q2_evaluate(collected: dict, probes: dict, folder: Path) -> dict:
    """The noise layer's standard deviation, whether predictions repeat at test time and vary in training, and the loss
    of a fresh copy before and after the grader trains it to reproduce digit-like blobs from their noisy copies."""
    import keras

    model = saved_network(folder)
    noise = [float(layer.stddev) for layer in model.layers if isinstance(layer, keras.layers.GaussianNoise)]
    rng = np.random.default_rng(probes["seed"])
    blobs = np.zeros((64, 28, 28, 1), "float32")
    for image, (row, col) in zip(blobs, rng.integers(4, 20, (64, 2))):
        image[row:row + 6, col:col + 6] = 1.0
    test_a, test_b = np.asarray(model(blobs, training=False)), np.asarray(model(blobs, training=False))
    train = np.asarray(model(blobs, training=True))
    return {"noise": noise, "repeats": bool(np.allclose(test_a, test_b)), "varies": bool(not np.allclose(train, test_a)),
            "range": [float(test_a.min()), float(test_a.max())],
            **loss_before_after(model, probes["seed"], blobs, blobs, "binary_crossentropy", STEPS, 1e-3)}


def _q2_noise(student, reference, probes):
    measured = student["evaluated"]
    if "noise" not in measured:
        raise AssertionError(f"the grader could not load it: {measured.get('failed') or measured}")
    want = probes["sizes"][0][0]
    assert measured["noise"], "there is no layers.GaussianNoise layer: put one right after the input"
    assert np.isclose(measured["noise"][0], want), (
        f"denoising_autoencoder({want}, ...) has noise of standard deviation {measured['noise'][0]}: use `noise_std`")
    assert measured["repeats"], "two predictions of the same images differ: at test time there must be no noise"
    assert measured["varies"], "in training the outputs do not change: is the noise layer in the network?"


def _q2_pixels(student, reference, probes):
    low, high = student["evaluated"].get("range", [np.nan, np.nan])
    assert low >= 0 and high <= 1, f"its outputs run from {low:.2f} to {high:.2f}: pixels are in [0, 1], a sigmoid at the end"


# --- q3: auc(normal, anomalous) ---------------------------------------------------------------------------------


def _q3_probes(rng: np.random.Generator) -> dict:
    n, m = int(rng.integers(50, 150)), int(rng.integers(20, 60))
    shift = float(rng.uniform(0.5, 2))
    return {"overlapping": [rng.normal(0, 1, n).round(4).tolist(), rng.normal(shift, 1, m).round(4).tolist()],
            "with ties": [rng.integers(0, 5, n).tolist(), rng.integers(2, 7, m).tolist()],
            "separated": [rng.uniform(0, 1, 7).round(3).tolist(), rng.uniform(2, 3, 4).round(3).tolist()]}


def _q3_collect(values: dict, probes: dict) -> dict:
    calls = {**probes, "reversed": probes["separated"][::-1]}
    return {kind: call_each(values["auc"], [args])[0] for kind, args in calls.items()}


def _q3(kinds: tuple[str, ...], advice: str):
    def check(student, reference, probes):
        for kind in kinds:
            got, want = as_array(student[kind]), as_array(reference[kind])
            assert got.ndim == 0, f"it should return one number, not an array of shape {got.shape}"
            assert np.isclose(got, want), f"for {kind} scores the AUC is not {float(got):.4f}: {advice}"
    return check


TASKS = [
    Task("q1", ("noisy_copy",), probes=_q1_probes, collect=_q1_collect, time_limit=15,
         tests=(HiddenTest("noisy copies of six images: same shape, changed, in [0, 1]", 1, judged(_q1_valid)),
                HiddenTest("the noise's mean and standard deviation on grey images", 1, judged(_q1_spread)),
                HiddenTest("clipped after the noise is added (black images, wide noise)", 1, judged(_q1_clipped)),
                HiddenTest("the same noise for the same seed, other noise for another", 1, judged(_q1_seeded)))),
    Task("q2", ("denoising_autoencoder",), preload=("keras",), probes=_q2_probes,
         collect=lambda values, probes: built(values["denoising_autoencoder"], probes["sizes"]),
         evaluate=_q2_evaluate, time_limit=60,
         tests=(HiddenTest("layers, shapes and parameters for the first noise and bottleneck drawn", 2,
                           judged(size_judge("denoising_autoencoder", 0))),
                HiddenTest("the same for a second size", 1,
                           judged(size_judge("denoising_autoencoder", 1))),
                HiddenTest("noise of the asked standard deviation, in training only", 1, judged(_q2_noise)),
                HiddenTest("pixels in [0, 1] out", 1, judged(_q2_pixels)),
                HiddenTest(f"trained by the grader for {STEPS} steps, its loss falls by 30 % or more", 1,
                           judged(learned(STEPS, 0.3, "is every layer connected, and the last one a sigmoid?"))))),
    Task("q3", ("auc",), probes=_q3_probes, collect=_q3_collect, time_limit=15,
         forbidden=("sklearn.metrics.roc_auc_score", "sklearn.metrics.roc_curve", "sklearn.metrics.auc"),
         tests=(HiddenTest("overlapping scores without ties", 1,
                           judged(_q3(("overlapping",), "count the pairs where the anomaly scores higher"))),
                HiddenTest("scores with ties", 1, judged(_q3(("with ties",), "a tie counts one half"))),
                HiddenTest("fully separated scores, both ways round", 1,
                           judged(_q3(("separated", "reversed"), "an anomaly above every normal score gives 1"))))),
]
