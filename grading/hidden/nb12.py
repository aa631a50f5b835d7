"""Hidden tests of notebook 12 (activity recognition with 1D convolutions): 3 + 5 points.

q1 runs on signals and kernels drawn for every grading run; q2's network is built for two sizes in the student's
process and trained by the grader on signals drawn for the run, in a process that runs no student code.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from grading.hidden import HiddenTest, Task, as_array, call_each, judged
from grading.hidden.keras_layers import built, learned, loss_before_after, saved_network, size_judge

# --- q1: conv1d(x, kernel, bias) ------------------------------------------------------------------------------


def _q1_probes(rng: np.random.Generator) -> dict:
    calls = []
    for steps, channels, k, filters in [(int(rng.integers(8, 20)), 1, 3, int(rng.integers(1, 4))),
                                        (int(rng.integers(12, 30)), int(rng.integers(2, 7)), int(rng.choice([2, 4, 5])),
                                         int(rng.integers(2, 6)))]:
        calls.append([rng.normal(size=(steps, channels)).round(3).tolist(),
                      rng.normal(size=(k, channels, filters)).round(3).tolist(), rng.normal(size=filters).round(3).tolist()])
    return {"calls": calls}


def _case(call) -> str:
    x, kernel, _ = (np.asarray(a) for a in call)
    return f"for {len(x)} steps, {x.shape[1]} channel(s), a kernel of {len(kernel)} and {kernel.shape[2]} filter(s)"


def _q1_shape(student, reference, probes):
    for got, want, call in zip(student, reference, probes["calls"]):
        got, want = as_array(got), as_array(want)
        assert got.shape == want.shape, f"{_case(call)} the output should be (time - k + 1, filters) = {want.shape}, not {got.shape}"


def _q1_values(student, reference, probes):
    for got, want, call in zip(student, reference, probes["calls"]):
        got, want = as_array(got), as_array(want)
        if got.shape == want.shape and np.allclose(got, want - np.asarray(call[2])):
            raise AssertionError(f"{_case(call)} each filter's bias is missing")
        assert got.shape == want.shape and np.allclose(got, want), (
            f"{_case(call)} the values are wrong: output[t, j] = sum over i and c of x[t + i, c] * kernel[i, c, j] + bias[j] "
            "(no flip: Keras cross-correlates)")


# --- q2: deeper_conv(n_steps, n_channels, n_classes) ----------------------------------------------------------

STEPS = 40  # Adam steps the grader trains the student's network for


def _q2_probes(rng: np.random.Generator) -> dict:
    return {"sizes": [[int(rng.choice([32, 40, 48])), int(rng.integers(2, 7)), int(rng.integers(3, 7))],
                      [int(rng.choice([20, 24])), 1, 2]], "seed": int(rng.integers(2**31))}


def _q2_evaluate(collected: dict, probes: dict, folder: Path) -> dict:
    """Train the student's network to tell signals apart by the frequency of a sine wave hidden in noise."""
    n_steps, n_channels, n_classes = probes["sizes"][0]
    rng = np.random.default_rng(probes["seed"])
    y = np.arange(96) % n_classes
    t = np.arange(n_steps)[None, :, None]
    phase = rng.uniform(0, 2 * np.pi, (96, 1, n_channels))
    x = (np.sin(2 * np.pi * (y[:, None, None] + 1) * t / n_steps + phase) + 0.3 * rng.normal(size=(96, n_steps, n_channels)))
    return loss_before_after(saved_network(folder), probes["seed"], x.astype("float32"), y, "sparse_categorical_crossentropy", STEPS,
                             3e-3, metrics=("accuracy",))



TASKS = [
    Task("q1", ("conv1d",), probes=_q1_probes, time_limit=15,
         forbidden=("course_utils.exercises.nb12._reference_conv1d", "scipy.signal.correlate", "scipy.signal.convolve"),
         collect=lambda values, probes: call_each(values["conv1d"], probes["calls"]),
         tests=(HiddenTest("the output's shape, for two signals and kernels drawn", 1, judged(_q1_shape)),
                HiddenTest("the output's values, for the same", 2, judged(_q1_values)))),
    Task("q2", ("deeper_conv",), preload=("keras",), probes=_q2_probes,
         collect=lambda values, probes: built(values["deeper_conv"], probes["sizes"]),
         evaluate=_q2_evaluate, time_limit=60,
         tests=(HiddenTest("layers, shapes and parameters for the steps, channels and classes drawn", 2,
                           judged(size_judge("deeper_conv", 0))),
                HiddenTest("the same for one channel and two classes", 1, judged(size_judge("deeper_conv", 1))),
                HiddenTest(f"trained by the grader for {STEPS} steps on signals of the first size, its loss falls by "
                           "half or more", 2,
                           judged(learned(STEPS, 0.5, "does the last layer give one probability per class?"))))),
]
