"""Hidden tests of notebook 04 (time series with RNNs, LSTMs and GRUs): 3 + 4 + 3 points.

q1 and q3 run on series and weights drawn for every grading run; q2's network is built for two sizes in the student's
process and trained by the grader in a process that runs no student code.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from course_utils import by_hand
from grading.hidden import HiddenTest, Task, as_array, call_each, judged
from grading.hidden.keras_layers import built, learned, loss_before_after, saved_network, size_judge

# --- q1: make_windows(values, window, horizon, step) -> (x, y) ------------------------------------------------------

CASES = {"horizon 1": [(20, 6, 1, 1), (17, 3, 1, 4)], "later horizons": [(26, 5, 3, 2), (31, 8, 6, 3)]}


def _q1_probes(rng: np.random.Generator) -> dict:
    return {kind: [[rng.normal(size=n).round(3).tolist(), window, horizon, step] for n, window, horizon, step in cases]
            for kind, cases in CASES.items()}


def _q1_collect(values: dict, probes: dict) -> dict:
    return {kind: call_each(values["make_windows"], calls) for kind, calls in probes.items()}


def _pair(collected, case: str) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(collected, dict) and "error" in collected:
        raise AssertionError(f"{case} it raised {collected['error']}")
    if not isinstance(collected, list) or len(collected) != 2:
        raise AssertionError(f"{case} it should return a pair (windows, targets)")
    return as_array(collected[0]), as_array(collected[1])


def _case(call) -> str:
    series, window, horizon, step = call
    return f"for {len(series)} values, window {window}, horizon {horizon}, step {step}"


def _windows(student, reference, probes):
    for kind in CASES:
        for got, want, call in zip(student[kind], reference[kind], probes[kind]):
            (x, _), (want_x, _) = _pair(got, _case(call)), _pair(want, _case(call))
            assert x.shape == want_x.shape, f"{_case(call)} the windows should be {want_x.shape}, not {x.shape}"
            assert np.allclose(x, want_x), f"{_case(call)} the windows' values are wrong"


def _targets(kind: str):
    def check(student, reference, probes):
        for got, want, call in zip(student[kind], reference[kind], probes[kind]):
            (_, y), (_, want_y) = _pair(got, _case(call)), _pair(want, _case(call))
            assert y.shape == want_y.shape, f"{_case(call)} there should be {len(want_y)} targets, not {len(y)}"
            assert np.allclose(y, want_y), f"{_case(call)} the targets are wrong: a window ending at t aims at t + horizon"
    return check


# --- q2: stacked_lstm(window, n_features, units) ------------------------------------------------------------------

SIZES = [(7, 3, 8), (14, 5, 4)]
STEPS = 30  # Adam steps the grader trains the student's network for, on one batch of 64


def _q2_evaluate(collected: dict, probes, folder: Path) -> dict:
    """Train the student's network on a series whose next value depends on the last two steps."""
    rng = np.random.default_rng(probes["seed"])
    x = rng.normal(size=(64, 7, 3)).astype("float32")
    return loss_before_after(saved_network(folder), probes["seed"], x, x[:, -1, :1] + 0.5 * x[:, -2, 1:2], "mse", STEPS)


# --- q3: gru_step(x_t, h, kernel, recurrent_kernel, bias) ----------------------------------------------------------

def _q3_probes(rng: np.random.Generator) -> dict:
    calls = []
    for batch, inputs, units in [(3, 2, 5), (1, 4, 3)]:
        calls.append([rng.normal(size=(batch, inputs)).round(3).tolist(), rng.normal(size=(batch, units)).round(3).tolist(),
                      rng.normal(size=(inputs, 3 * units)).round(3).tolist(),
                      rng.normal(size=(units, 3 * units)).round(3).tolist(), rng.normal(size=3 * units).round(3).tolist()])
    return {"calls": calls}


def _q3_shape(student, reference, probes):
    for got, want in zip(student, reference):
        assert as_array(got).shape == as_array(want).shape, (
            f"the new state should be {as_array(want).shape} (batch, units), not {as_array(got).shape}")


def _q3_values(student, reference, probes):
    for got, want, call in zip(student, reference, probes["calls"]):
        got, want = as_array(got), as_array(want)
        x, h, kernel, recurrent, bias = map(np.asarray, call)
        keras_form = by_hand.gru_step(x, h, kernel, recurrent, np.stack([bias, 0 * bias]), reset_after=True)
        if not np.allclose(got, want) and np.allclose(got, keras_form):
            raise AssertionError("it applies the reset gate after U_h h (Keras' default); the lecture's form resets "
                                 "the state first")
        assert np.allclose(got, want), f"for a batch of {len(x)}, {x.shape[1]} inputs and {h.shape[1]} units the new state is wrong"


TASKS = [
    Task("q1", ("make_windows",), probes=_q1_probes, collect=_q1_collect, time_limit=15,
         forbidden=("course_utils.timeseries.forecast_windows", "course_utils.timeseries.rolling_windows",
                    "keras.utils.timeseries_dataset_from_array"),
         tests=(HiddenTest("the windows, for four series, windows, horizons and steps", 1, judged(_windows)),
                HiddenTest("the targets with horizon 1", 1, judged(_targets("horizon 1"))),
                HiddenTest("the targets with horizons 3 and 6 and steps 2 and 3", 1, judged(_targets("later horizons"))))),
    Task("q2", ("stacked_lstm",), preload=("keras",), probes=lambda rng: {"seed": int(rng.integers(2**31))},
         collect=lambda values, probes: built(values["stacked_lstm"], SIZES), evaluate=_q2_evaluate, time_limit=60,
         tests=(HiddenTest("layers, shapes and parameters for window 7, 3 features, 8 units", 2,
                           judged(size_judge("stacked_lstm", SIZES[0]))),
                HiddenTest("the same for window 14, 5 features, 4 units", 1, judged(size_judge("stacked_lstm", SIZES[1]))),
                HiddenTest(f"trained by the grader for {STEPS} steps, its loss falls by 30 % or more", 1,
                           judged(learned(STEPS, 0.3, "are the layers connected, and the output linear?"))))),
    Task("q3", ("gru_step",), probes=_q3_probes, time_limit=15, forbidden=("course_utils.by_hand.gru_step",),
         collect=lambda values, probes: call_each(values["gru_step"], probes["calls"]),
         tests=(HiddenTest("the new state's shape, (batch, units)", 1, judged(_q3_shape)),
                HiddenTest("the new state's values, for two batches and sizes", 2, judged(_q3_values)))),
]
