"""Exercises of notebook 12 (activity recognition with 1-D convolutions).

    >>> import numpy as np
    >>> from course_utils.exercises import nb12
    >>> nb12.q1.check(lambda x, kernel, bias: x)
    Not quite (q1): ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise, keras_checks


def _reference_conv1d(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    k = kernel.shape[0]
    windows = np.lib.stride_tricks.sliding_window_view(x, k, axis=0)  # (positions, channels, k)
    return np.einsum("tck,kcf->tf", windows, kernel) + bias


def _check_conv1d(func) -> str:
    import keras

    rng = np.random.default_rng(12)
    for steps, channels, k, filters in [(10, 1, 3, 1), (20, 6, 5, 4), (9, 3, 9, 2)]:
        x = rng.normal(size=(steps, channels))
        kernel, bias = rng.normal(size=(k, channels, filters)), rng.normal(size=filters)
        got = np.asarray(func(x, kernel, bias), dtype=float)
        want = _reference_conv1d(x, kernel, bias)
        case = f"for {steps} steps, {channels} channel(s), a kernel of {k} and {filters} filter(s),"
        assert got.shape == want.shape, (f"{case} the output should have shape (time - k + 1, filters) = {want.shape}, "
                                         f"yours has {got.shape}.")
        if np.allclose(got, _reference_conv1d(x, kernel[::-1], bias)) and not np.allclose(got, want):
            raise AssertionError(f"{case} your kernel is flipped in time: Keras, like notebook 02, cross-correlates "
                                 "(kernel step 0 meets x[t]).")
        if np.allclose(got, want - bias):
            raise AssertionError(f"{case} add each filter's bias.")
        assert np.allclose(got, want), f"{case} output[t, j] = sum over steps i and channels c of x[t + i, c] * kernel[i, c, j] + bias[j]."
    layer = keras.layers.Conv1D(filters, k)
    keras_out = keras.ops.convert_to_numpy(layer(x[None].astype("float32")))[0]
    assert np.allclose(np.asarray(func(x, *layer.get_weights()), dtype=float), keras_out, atol=1e-5)
    return "the same numbers as keras.layers.Conv1D with its own weights."


q1 = Exercise(
    "12", "q1",
    _check_conv1d,
    hint=("For each start t in range(len(x) - k + 1), multiply the window x[t:t + k] (k, channels) with the kernel "
          "(k, channels, filters) and sum over the first two axes: np.tensordot(window, kernel, axes=([0, 1], [0, 1]))."),
)


def _check_deeper_conv(build) -> str:
    assert callable(build), "`deeper_conv` should be a function that builds and returns the model."
    for n_steps, n_channels, n_classes in [(100, 6, 4), (50, 3, 5)]:
        model = build(n_steps, n_channels, n_classes)
        keras_checks.assert_model(model, f"`deeper_conv({n_steps}, {n_channels}, {n_classes})`")
        keras_checks.assert_layers(model, [
            ("Conv1D", (None, n_steps, 32), 3 * n_channels * 32 + 32),
            ("MaxPooling1D", (None, n_steps // 2, 32), 0),
            ("Conv1D", (None, n_steps // 2, 64), 3 * 32 * 64 + 64),
            ("GlobalMaxPooling1D", (None, 64), 0),
            ("Dense", (None, n_classes), 64 * n_classes + n_classes),
        ])
        keras_checks.assert_last_activation(model, "softmax", "give it a softmax.")
        for layer in model.layers:
            if type(layer).__name__ == "Conv1D":
                assert getattr(layer.activation, "__name__", "") == "relu", (
                    'give each Conv1D activation="relu": without it the two convolutions are one linear filter in '
                    "disguise, and max pooling then keeps the largest of linear responses.")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 50, 3)).astype("float32")
    y = (x[:, :, 0].std(axis=1) > 1).astype("int32") + 2 * (x[:, :, 1].mean(axis=1) > 0)
    keras_checks.loss_falls(lambda: build(50, 3, 4), x, y, loss="sparse_categorical_crossentropy")
    return "'same' padding keeps the length, pooling halves it, and global max pooling keeps each filter's strongest response."


q2 = Exercise(
    "12", "q2",
    _check_deeper_conv,
    hint=('keras.Sequential([keras.Input((n_steps, n_channels)), layers.Conv1D(32, 3, padding="same", activation="relu"), '
          'layers.MaxPooling1D(2), layers.Conv1D(64, 3, padding="same", activation="relu"), layers.GlobalMaxPooling1D(), '
          'layers.Dense(n_classes, activation="softmax")])'),
)
