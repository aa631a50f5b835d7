"""Exercises of notebook 13 (colour images: a small CNN on CIFAR-10).

    >>> from course_utils.exercises import nb13
    >>> nb13.q1.check(lambda train, images: (images - train.mean(axis=(0, 1, 2))) / train.std(axis=(0, 1, 2)))
    Correct! ...
    >>> nb13.q1.check(lambda train, images: (images - train.mean()) / train.std())
    Not quite (q1): Your answer uses one mean and one std for all three channels: ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise, keras_checks

def _channel_standardised(train: np.ndarray, images: np.ndarray) -> np.ndarray:
    train = train.astype(float)
    return (images - train.mean(axis=(0, 1, 2))) / train.std(axis=(0, 1, 2))


def _check_standardise(func) -> str:
    import keras

    assert callable(func), "`standardise_channels` should be a function of (train, images)."
    rng = np.random.default_rng(13)
    # colour casts that differ per channel, as in photos: a red-heavy, a wide green and a dim blue channel
    train = np.clip(rng.normal([150, 110, 60], [30, 60, 15], size=(24, 6, 5, 3)), 0, 255).astype("uint8")
    images = np.clip(rng.normal([120, 130, 70], [40, 50, 20], size=(4, 6, 5, 3)), 0, 255).astype("uint8")
    got = np.asarray(func(train, images), dtype=float)
    want = _channel_standardised(train, images)
    assert got.shape == want.shape, f"for 4 images of 6 x 5 x 3 the result should have shape {want.shape}, yours has {got.shape}."
    x, q = train.astype(float), images.astype(float)
    mean, std = x.mean(axis=(0, 1, 2)), x.std(axis=(0, 1, 2))
    mistakes = [
        ((q - x.mean()) / x.std(), "one mean and one std for all three channels: red, green and blue each get their own, "
                                   "so average over images, rows and columns but not over the channel axis."),
        ((q - q.mean(axis=(1, 2), keepdims=True)) / q.std(axis=(1, 2), keepdims=True),
         "statistics of each image on its own: every image would lose its brightness and colour cast, which can be "
         "a clue. Use the statistics of the whole training set."),
        ((q - q.mean(axis=(0, 1, 2))) / q.std(axis=(0, 1, 2)),
         "statistics of `images`: take them from `train`, since the images to standardise may be one test image."),
        (q - mean, "subtracted the mean; now divide by the standard deviation too."),
        ((q - mean) / std ** 2, "divided by the variance: divide by the standard deviation, its square root."),
        (q / std, "divided by the std without subtracting the mean first."),
    ]
    if not np.allclose(got, want, atol=1e-5):
        for wrong, advice in mistakes:
            if np.allclose(got, wrong, atol=1e-5):
                raise AssertionError(f"Your answer uses {advice}")
        raise AssertionError("(images - mean) / std with one mean and one std per colour channel, both computed "
                             "from `train`: compare your result with that on a tiny example.")
    layer = keras.layers.Normalization(axis=-1)
    layer.adapt(train.astype("float32"))
    keras_out = keras.ops.convert_to_numpy(layer(images.astype("float32")))
    assert np.allclose(got, keras_out, atol=1e-4), "your numbers differ from keras.layers.Normalization(axis=-1)."
    return ("the same numbers as keras.layers.Normalization(axis=-1) after adapt(train): three means and three "
            "standard deviations, one per colour channel, learned from the training images only.")


q1 = Exercise(
    "13", "q1",
    _check_standardise,
    hint=("Reduce over images, rows and columns, keep the channels: train.mean(axis=...) should give three "
          "numbers, one per colour channel. Broadcasting subtracts them from every pixel of `images`."),
)


def cifar_cnn_layers(n_classes: int) -> list[tuple[str, tuple, int]]:
    """The layers q2 asks for: (class name, output shape, parameters) each."""
    return [("Conv2D", (None, 32, 32, 32), 3 * 3 * 3 * 32 + 32), ("BatchNormalization", (None, 32, 32, 32), 4 * 32),
            ("MaxPooling2D", (None, 16, 16, 32), 0),
            ("Conv2D", (None, 16, 16, 64), 3 * 3 * 32 * 64 + 64), ("BatchNormalization", (None, 16, 16, 64), 4 * 64),
            ("MaxPooling2D", (None, 8, 8, 64), 0),
            ("Flatten", (None, 8 * 8 * 64), 0), ("Dense", (None, n_classes), 8 * 8 * 64 * n_classes + n_classes)]


def _check_cifar_cnn(build) -> str:
    import keras

    assert callable(build), "`cifar_cnn` should be a function that builds and returns the model."
    for n_classes in (10, 4):
        model = build(n_classes)
        keras_checks.assert_model(model, f"`cifar_cnn({n_classes})`")
        found = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
        assert any(isinstance(layer, keras.layers.BatchNormalization) for layer in found), (
            "put a BatchNormalization layer after each convolution.")
        for layer in found:
            if isinstance(layer, keras.layers.Conv2D):
                assert layer.padding == "same", ('give each Conv2D padding="same", so that its 3 x 3 kernel keeps the '
                                                 "map's height and width; only the pooling halves them.")
                assert getattr(layer.activation, "__name__", "") == "relu", 'give each Conv2D activation="relu".'
        keras_checks.assert_last_activation(
            model, "linear", "the last Dense layer should give logits, with no activation: the loss is "
                             "SparseCategoricalCrossentropy(from_logits=True), which applies the softmax itself.")
        keras_checks.assert_layers(model, cifar_cnn_layers(n_classes))
    rng = np.random.default_rng(13)
    x = rng.random((32, 32, 32, 3)).astype("float32")
    y = (x[:, :16].mean(axis=(1, 2, 3)) > x[:, 16:].mean(axis=(1, 2, 3))).astype("int32") + 2 * (x[..., 0].mean(axis=(1, 2)) > 0.5)
    keras_checks.loss_falls(lambda: build(4), x, y, learning_rate=1e-3,
                            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return ("60,746 parameters, about as many as E12's 62,006, but in convolutions of 32 and 64 filters that keep "
            "the map at full size until each pooling.")


q2 = Exercise(
    "13", "q2",
    _check_cifar_cnn,
    hint=('keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(32, 3, padding="same", activation="relu"), '
          "layers.BatchNormalization(), layers.MaxPooling2D(2), then the same three layers with 64 filters, "
          "layers.Flatten(), layers.Dense(n_classes)]): no activation on the last layer, it gives logits."),
)
