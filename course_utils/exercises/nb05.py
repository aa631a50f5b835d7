"""Exercises of notebook 05 (autoencoders).

    >>> import numpy as np
    >>> from course_utils.exercises import nb05
    >>> nb05.q1.check(lambda images, std, seed: np.clip(images + np.random.default_rng(seed).normal(0, std, images.shape), 0, 1))
    Correct! ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise, keras_checks


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
    "05", "q1",
    _check_noise,
    hint="rng = np.random.default_rng(seed); add rng.normal(0, std, images.shape); then np.clip(..., 0, 1).",
)


def _dense_autoencoder_layers(noise: bool, bottleneck: int) -> list[tuple[str, tuple, int]]:
    return ([("GaussianNoise", (None, 28, 28, 1), 0)] if noise else []) + [
        ("Flatten", (None, 784), 0), ("Dense", (None, 256), 784 * 256 + 256),
        ("Dense", (None, bottleneck), 256 * bottleneck + bottleneck), ("Dense", (None, 256), bottleneck * 256 + 256),
        ("Dense", (None, 784), 256 * 784 + 784), ("Reshape", (None, 28, 28, 1), 0)]


def _check_denoising_autoencoder(build) -> str:
    assert callable(build), "`denoising_autoencoder` should be a function that builds and returns the model."
    model = build(0.3, 16)
    keras_checks.assert_model(model, "`denoising_autoencoder(0.3, 16)`")
    kinds = [type(layer).__name__ for layer in model.layers]
    assert "GaussianNoise" in kinds, "there is no `layers.GaussianNoise` layer: put one right after the input."
    keras_checks.assert_layers(model, _dense_autoencoder_layers(True, 16))
    assert np.isclose(model.layers[0].stddev, 0.3), (f"the noise layer's standard deviation is {model.layers[0].stddev}; "
                                                     "use the function's `noise_std`.")
    x = np.random.default_rng(0).uniform(size=(32, 28, 28, 1)).astype("float32")
    test_a, test_b = (keras_checks.as_number(model(x, training=False)) for _ in range(2))
    train_a = keras_checks.as_number(model(x, training=True))
    assert np.allclose(test_a, test_b), "two predictions of the same images differ: at test time there must be no noise."
    assert not np.allclose(train_a, test_a), "in training the outputs should differ from test time: is the noise on?"
    assert test_a.min() >= 0 and test_a.max() <= 1, "the output should be pixels in [0, 1]: a sigmoid on the last Dense."
    keras_checks.loss_falls(lambda: build(0.3, 16), x, x, loss="binary_crossentropy", learning_rate=1e-3)
    return ("the noise is a layer, so it is drawn anew for every batch and switched off at test time: "
            "`fit(clean, clean)` now trains a denoiser.")


q2 = Exercise(
    "05", "q2",
    _check_denoising_autoencoder,
    hint="keras.Sequential([keras.Input((28, 28, 1)), layers.GaussianNoise(noise_std), layers.Flatten(), "
         "layers.Dense(256, activation=\"relu\"), layers.Dense(bottleneck), ...]) and then the decoder's layers of "
         "`dense_autoencoder`: Dense(256, relu), Dense(784, sigmoid), Reshape((28, 28, 1)).",
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


q3 = Exercise(
    "05", "q3",
    _check_auc,
    hint=("Compare every anomalous score with every normal score: anomalous[:, None] > normal[None, :] is a table of "
          "all pairs. Its mean is the AUC, plus one half of the share of ties."),
)
