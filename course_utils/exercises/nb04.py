"""Exercises of notebook 04 (time series with RNNs, LSTMs and GRUs).

    >>> from course_utils.exercises import nb04
    >>> from course_utils import by_hand
    >>> nb04.q2.check(by_hand.gru_step)
    Correct! ...
"""
from __future__ import annotations

import numpy as np

from .. import by_hand, timeseries
from . import Exercise


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
    "q1",
    _check_windows,
    hint="Start s runs over range(0, len(values) - window - horizon + 1, step); the window is values[s:s + window].",
    solution=("def make_windows(values, window, horizon=1, step=1):\n"
              "    starts = range(0, len(values) - window - horizon + 1, step)\n"
              "    x = np.array([values[s:s + window] for s in starts])\n"
              "    y = np.array([values[s + window + horizon - 1] for s in starts])\n"
              "    return x, y"),
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


q2 = Exercise(
    "q2",
    _check_gru,
    hint=("Split the stacked weights with np.split(kernel, 3, axis=1) (and the same for recurrent_kernel and bias) "
          "into the z, r and h parts; the reset gate multiplies h before U_h."),
    solution=("def gru_step(x, h, kernel, recurrent_kernel, bias):\n"
              "    wz, wr, wh = np.split(kernel, 3, axis=1)\n"
              "    uz, ur, uh = np.split(recurrent_kernel, 3, axis=1)\n"
              "    bz, br, bh = np.split(bias, 3)\n"
              "    z = sigmoid(x @ wz + h @ uz + bz)\n"
              "    r = sigmoid(x @ wr + h @ ur + br)\n"
              "    candidate = np.tanh(x @ wh + (r * h) @ uh + bh)\n"
              "    return z * h + (1 - z) * candidate"),
)
