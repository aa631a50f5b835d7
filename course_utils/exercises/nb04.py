"""Exercises of notebook 04 (time series with RNNs, LSTMs and GRUs).

    >>> from course_utils.exercises import nb04
    >>> from course_utils import by_hand
    >>> nb04.q3.check(by_hand.gru_step)
    Not quite (q3): `by_hand.gru_step` is the course's own version, not yours. ...
"""
from __future__ import annotations

import numpy as np

from .. import by_hand, timeseries
from . import Exercise, keras_checks


def _check_windows(func) -> str:
    rng = np.random.default_rng(4)
    for n, window, horizon, step in [(14, 7, 1, 2), (30, 5, 3, 1), (25, 4, 2, 3)]:
        series = rng.normal(size=n).round(2)
        want_x, want_y, _ = timeseries.forecast_windows(series, series, window, horizon, step)
        x, y = func(series, window, horizon, step)
        x, y = np.asarray(x), np.asarray(y)
        case = f"for {n} values, window {window}, horizon {horizon}, step {step}"
        late = series[window + horizon::step]
        shared = min(len(y), len(late), len(want_y)) - 1
        if shared > 0 and np.allclose(y[:shared], late[:shared]) and not np.allclose(y[:shared], want_y[:shared]):
            raise AssertionError(f"{case} your targets come one step too late: with horizon 1 the target is the "
                                 "value right after the window, with horizon h the h-th value after it.")
        assert len(x) == len(y), f"{case} you return {len(x)} windows but {len(y)} targets; one target per window."
        assert len(x) == len(want_x), f"{case} there are {len(want_x)} windows, you return {len(x)}. Is the last window's target still inside the series?"
        assert x.shape == want_x.shape, f"{case} the windows should have shape {want_x.shape}, yours {x.shape}."
        assert np.allclose(x, want_x), f"{case} the windows start at 0, {step}, {2 * step}, ... and hold {window} consecutive values each."
        assert np.allclose(y, want_y), f"{case} the target of a window ending at index t is the value at t + horizon."
    return "each window is values[s : s + window] and its target values[s + window + horizon - 1]."


q1 = Exercise(
    "04", "q1",
    _check_windows,
    hint="Start s runs over range(0, len(values) - window - horizon + 1, step); the window is values[s:s + window].",
)


def _lstm_params(inputs: int, units: int) -> int:
    """Four gates, each with a kernel (inputs x units), a recurrent kernel (units x units) and a bias."""
    return 4 * (units * (inputs + units) + units)


def _check_stacked_lstm(build) -> str:
    assert callable(build), "`stacked_lstm` should be a function that builds and returns the model."
    for window, n_features, units in [(7, 3, 8), (14, 5, 4)]:
        try:
            model = build(window, n_features, units)
        except ValueError as error:
            if "expected ndim=3, found ndim=2" not in str(error):
                raise
            raise AssertionError("the first LSTM returns only its last state, so the second one gets no sequence: "
                                 "give the first `return_sequences=True`.") from None
        keras_checks.assert_model(model, f"`stacked_lstm({window}, {n_features}, {units})`")
        keras_checks.assert_layers(model, [
            ("LSTM", (None, window, units), _lstm_params(n_features, units)),
            ("LSTM", (None, units), _lstm_params(units, units)),
            ("Dense", (None, 1), units + 1),
        ])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 7, 3)).astype("float32")
    y = x[:, -1, :1] + 0.5 * x[:, -2, 1:2]  # the next value depends on the last two steps
    keras_checks.loss_falls(lambda: build(7, 3, 8), x, y, loss="mse")
    return ("two LSTMs stacked: the first hands its whole sequence of states to the second, which keeps only the "
            "last; 4 * (units * (inputs + units) + units) parameters each.")


q2 = Exercise(
    "04", "q2",
    _check_stacked_lstm,
    hint="keras.Sequential([keras.Input((window, n_features)), layers.LSTM(units, return_sequences=True), "
         "layers.LSTM(units), layers.Dense(1)]): the `stacked_gru` forecaster with LSTM layers.",
)


def _check_gru(func) -> str:
    rng = np.random.default_rng(5)
    inputs, units = 3, 4
    x, h = rng.normal(size=(2, inputs)), rng.normal(size=(2, units))
    kernel, recurrent = rng.normal(size=(inputs, 3 * units)), rng.normal(size=(units, 3 * units))
    bias = rng.normal(size=3 * units)
    got = np.asarray(func(x, h, kernel, recurrent, bias))
    want = by_hand.gru_step(x, h, kernel, recurrent, bias)
    assert got.shape == want.shape, f"the new state should have shape {want.shape} (batch, units), yours has {got.shape}."
    if np.allclose(got, by_hand.gru_step(x, h, kernel, recurrent, np.stack([bias, 0 * bias]), reset_after=True)):
        raise AssertionError("that is Keras' default form (reset applied after U_h h); the lecture's form resets the state first: U_h (r * h).")
    z = by_hand.sigmoid(x @ kernel[:, :units] + h @ recurrent[:, :units] + bias[:units])
    if np.allclose(got, (want - z * h) / (1 - z) * z + (1 - z) * h):
        raise AssertionError("z and 1 - z are swapped: the update gate z keeps the old state, h_t = z * h + (1 - z) * candidate.")
    assert np.allclose(got, want), "check the gate order (z, r, h in Keras' stacked weights), the sigmoid on z and r and the tanh on the candidate."
    return "this is the GRU of the lecture, and Keras' GRU(reset_after=False)."


q3 = Exercise(
    "04", "q3",
    _check_gru,
    hint=("Split the stacked weights with np.split(kernel, 3, axis=1) (and the same for recurrent_kernel and bias) "
          "into the z, r and h parts; the reset gate multiplies h before U_h."),
)
