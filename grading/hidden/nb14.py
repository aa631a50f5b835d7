"""Hidden tests of notebook 14 (semantic segmentation): 4 + 5 + 5 points.

q1 and q2 run on masks and layer stacks drawn for every grading run; q3's network is built for two sizes in the
student's process and trained by the grader on small scenes drawn for the run, in a process that runs no student code.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from grading.hidden import HiddenTest, Task, as_array, call_each, judged
from grading.hidden.keras_layers import built, learned, loss_before_after, saved_network, size_judge

# --- q1: iou_per_class(true, predicted, n_classes) -------------------------------------------------------------


def _q1_probes(rng: np.random.Generator) -> dict:
    n_classes = int(rng.integers(4, 9))
    shape = (int(rng.integers(2, 5)), int(rng.integers(5, 12)), int(rng.integers(5, 12)))
    true = rng.integers(0, n_classes - 1, shape)           # the last class occurs nowhere
    predicted = np.where(rng.random(shape) < 0.55, true, rng.integers(0, n_classes - 1, shape))
    missed = int(rng.integers(1, n_classes - 1))
    predicted[predicted == missed] = 0                      # one class is never predicted: IoU 0
    return {"calls": [[true.tolist(), predicted.tolist(), n_classes],
                      [true[0].ravel().tolist(), predicted[0].ravel().tolist(), n_classes]]}


def _q1_present(student, reference, probes):
    got, want = as_array(student[0]), as_array(reference[0])
    assert got.shape == want.shape, f"for {len(want)} classes there should be {len(want)} IoUs, not an array of shape {got.shape}"
    present = ~np.isnan(want)
    assert np.allclose(got[present], want[present], atol=1e-9), (
        "the IoUs of the classes that occur: for each class, the pixels both arrays give it over those either gives it")


def _q1_absent(student, reference, probes):
    got, want = as_array(student[0]), as_array(reference[0])
    assert got.shape == want.shape and np.isnan(got[-1]), "a class in neither array has no IoU: give np.nan, not a number"


def _q1_flat(student, reference, probes):
    got, want = as_array(student[1]), as_array(reference[1])
    assert got.shape == want.shape and np.allclose(got, want, equal_nan=True), (
        "the labels of one scene as a flat array should give that scene's IoUs (np.nan where a class is absent)")


# --- q2: receptive_field(stack) --------------------------------------------------------------------------------


def _stack(rng: np.random.Generator, strides: bool, dilations: bool) -> list:
    return [[int(rng.integers(1, 8)), int(rng.integers(1, 4)) if strides else 1, int(rng.integers(1, 5)) if dilations else 1]
            for _ in range(int(rng.integers(2, 7)))]


def _q2_probes(rng: np.random.Generator) -> dict:
    return {"calls": [[[]], [_stack(rng, False, False)], [_stack(rng, True, False)], [_stack(rng, True, False)],
                      [_stack(rng, False, True)], [_stack(rng, True, True)], [_stack(rng, True, True)]]}


def _q2_same(*which: int):
    def check(student, reference, probes):
        for i in which:
            stack = [tuple(layer) for layer in probes["calls"][i][0]]
            got = student[i]
            if isinstance(got, dict):
                raise AssertionError(f"for {stack} it raised {got.get('error')}" if "error" in got else f"for {stack} it gave {got}")
            assert got == reference[i], f"for the stack {stack or '[]'} the receptive field is {reference[i]}, not {got}"
    return check


# --- q3: tiny_unet(n_classes, filters) -------------------------------------------------------------------------

STEPS = 30  # Adam steps the grader trains the student's network for


def _q3_probes(rng: np.random.Generator) -> dict:
    return {"sizes": [[int(rng.choice([3, 4, 5])), 8], [int(rng.choice([2, 6, 11])), int(rng.choice([4, 6, 12]))]],
            "seed": int(rng.integers(2**31))}


def _q3_evaluate(collected: dict, probes: dict, folder: Path) -> dict:
    """Train the student's network on 16 small scenes of bright squares whose brightness is their class."""
    import keras

    from course_utils.exercises.nb14 import small_scenes

    n_classes = probes["sizes"][0][0]
    x, y = small_scenes(16, n_classes, probes["seed"])
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    return loss_before_after(saved_network(folder), probes["seed"], x, y, loss, STEPS, 1e-2)


TASKS = [
    Task("q1", ("iou_per_class",), probes=_q1_probes, time_limit=15,
         forbidden=("course_utils.by_hand.iou_per_class", "sklearn.metrics.jaccard_score", "keras.metrics.IoU",
                    "keras.metrics.MeanIoU"),
         collect=lambda values, probes: call_each(values["iou_per_class"], probes["calls"]),
         tests=(HiddenTest("IoU of every class present, for masks of a shape and classes drawn", 2, judged(_q1_present)),
                HiddenTest("np.nan for a class that occurs in neither mask", 1, judged(_q1_absent)),
                HiddenTest("one scene's labels given as a flat array", 1, judged(_q1_flat)))),
    Task("q2", ("receptive_field",), probes=_q2_probes, time_limit=15,
         forbidden=("course_utils.by_hand.receptive_field",),
         collect=lambda values, probes: call_each(values["receptive_field"], probes["calls"]),
         tests=(HiddenTest("no layer, and stacks of stride 1 without dilation, with kernels drawn", 1, judged(_q2_same(0, 1))),
                HiddenTest("stacks with strides drawn", 2, judged(_q2_same(2, 3))),
                HiddenTest("stacks with dilations, and with strides and dilations, drawn", 2, judged(_q2_same(4, 5, 6))))),
    Task("q3", ("tiny_unet",), preload=("keras",), probes=_q3_probes,
         collect=lambda values, probes: built(values["tiny_unet"], probes["sizes"]),
         evaluate=_q3_evaluate, time_limit=60,
         tests=(HiddenTest("layers, shapes and parameters, the skip connection's included, for the first size drawn", 2,
                           judged(size_judge("tiny_unet", 0))),
                HiddenTest("the same for a second size drawn", 1, judged(size_judge("tiny_unet", 1))),
                HiddenTest(f"trained by the grader for {STEPS} steps on small scenes, its loss falls by half or more", 2,
                           judged(learned(STEPS, 0.5, "is the last layer a 1 x 1 Conv2D(n_classes) giving logits, "
                                                      "and are the layers connected?"))))),
]
