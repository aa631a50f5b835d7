"""Hidden tests of notebook 15 (object detection): 4 + 5 + 5 points.

q1 and q2 run on boxes and scores drawn for every grading run; q3's network is built for two sizes in the student's
process and trained by the grader with the course's detection loss on small scenes drawn for the run, in a process
that runs no student code.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from grading.hidden import HiddenTest, Task, as_array, call_each, judged
from grading.hidden.keras_layers import built, learned, loss_before_after, saved_network, size_judge

# --- q1: box_iou(a, b) -----------------------------------------------------------------------------------------


def _boxes(rng: np.random.Generator, n: int, side: int = 40) -> np.ndarray:
    corner = rng.integers(0, side, (n, 2))
    return np.concatenate([corner, corner + rng.integers(2, 16, (n, 2))], axis=1)


def _q1_probes(rng: np.random.Generator) -> dict:
    a, b = _boxes(rng, int(rng.integers(2, 6))), _boxes(rng, int(rng.integers(3, 7)))
    apart = np.array([[0, 0, 5, 5]]), np.array([[10, 10, 14, 14], [5, 0, 9, 5]])  # apart in x and y; touching
    floats = rng.uniform(0, 30, (3, 2))
    floats = np.concatenate([floats, floats + rng.uniform(1, 10, (3, 2))], axis=1)
    return {"calls": [[a.tolist(), b.tolist()], [apart[0].tolist(), apart[1].tolist()], [floats.tolist(), floats[::-1].tolist()]]}


def _q1_values(student, reference, probes):
    for i in (0, 2):
        got, want = as_array(student[i]), as_array(reference[i])
        assert got.shape == want.shape, f"for {len(want)} boxes against {want.shape[1]} the result should be {want.shape}, not {got.shape}"
        assert np.allclose(got, want, atol=1e-6), "the IoU of each pair: the shared area over the area the two cover together"


def _q1_apart(student, reference, probes):
    got = as_array(student[1])
    assert got.shape == (1, 2) and np.allclose(got, 0), (
        "boxes apart in both x and y, or only touching, share no area: their IoU is 0 (clip the overlap's sides at 0)")


# --- q2: nms(boxes, scores, iou_threshold) ---------------------------------------------------------------------


def _q2_probes(rng: np.random.Generator) -> dict:
    calls = []
    for _ in range(3):
        n = int(rng.integers(6, 14))
        corner = rng.integers(0, 16, (n, 2))
        boxes = np.concatenate([corner, corner + rng.integers(4, 12, (n, 2))], axis=1)
        calls.append([boxes.tolist(), (rng.permutation(n) / n + 0.01).tolist(), float(rng.choice([0.3, 0.45, 0.6]))])
    step = int(rng.integers(3, 5))  # a chain: each box overlaps the next, the first and third do not
    chain = [[step * k, 0, step * k + 2 * step, 10] for k in range(4)]
    calls.append([chain, [0.9, 0.8, 0.7, 0.6], 0.3])
    return {"calls": calls}


def _q2_same(*which: int):
    def check(student, reference, probes):
        for i in which:
            got = student[i]
            if isinstance(got, dict) and "error" in got:
                raise AssertionError(f"it raised {got['error']}")
            kept = [int(v) for v in as_array(got).ravel()]
            want = [int(v) for v in as_array(reference[i]).ravel()]
            if sorted(kept) == sorted(want) and kept != want:
                raise AssertionError("the right boxes, in the wrong order: best score first")
            assert kept == want, f"of {len(probes['calls'][i][0])} boxes it keeps {kept}; non-maximum suppression keeps {want}"
    return check


# --- q3: tiny_detector(n_classes, filters) ---------------------------------------------------------------------

STEPS = 30  # Adam steps the grader trains the student's network for


def _q3_probes(rng: np.random.Generator) -> dict:
    return {"sizes": [[int(rng.choice([3, 4, 5])), 8], [int(rng.choice([2, 6, 10])), int(rng.choice([4, 6, 12]))]],
            "seed": int(rng.integers(2**31))}


def _q3_evaluate(collected: dict, probes: dict, folder: Path) -> dict:
    """Train the student's network with the course's detection loss on 16 small scenes of rectangles."""
    from course_utils.exercises.nb15 import small_detection_scenes
    from course_utils.lessons.detection import detection_loss

    x, y = small_detection_scenes(16, probes["sizes"][0][0], probes["seed"])
    return loss_before_after(saved_network(folder), probes["seed"], x, y, detection_loss, STEPS, 1e-2)


TASKS = [
    Task("q1", ("box_iou",), probes=_q1_probes, time_limit=15,
         forbidden=("course_utils.by_hand.box_iou",),
         collect=lambda values, probes: call_each(values["box_iou"], probes["calls"]),
         tests=(HiddenTest("IoU of every pair, for integer and fractional boxes drawn", 3, judged(_q1_values)),
                HiddenTest("0 for boxes apart or only touching", 1, judged(_q1_apart)))),
    Task("q2", ("nms",), probes=_q2_probes, time_limit=20,
         forbidden=("course_utils.by_hand.non_max_suppression", "tensorflow.image.non_max_suppression"),
         collect=lambda values, probes: call_each(values["nms"], probes["calls"]),
         tests=(HiddenTest("the boxes kept, best first, for boxes, scores and a threshold drawn", 3, judged(_q2_same(0, 1, 2))),
                HiddenTest("a chain of overlapping boxes: a box dropped no longer suppresses others", 2,
                           judged(_q2_same(3))))),
    Task("q3", ("tiny_detector",), preload=("keras",), probes=_q3_probes,
         collect=lambda values, probes: built(values["tiny_detector"], probes["sizes"]),
         evaluate=_q3_evaluate, time_limit=60,
         tests=(HiddenTest("layers, shapes and parameters for the first size drawn", 2, judged(size_judge("tiny_detector", 0))),
                HiddenTest("the same for a second size drawn", 1, judged(size_judge("tiny_detector", 1))),
                HiddenTest(f"trained by the grader for {STEPS} steps with the course's detection loss, the loss falls by "
                           "half or more", 2,
                           judged(learned(STEPS, 0.5, "is the last layer a 1 x 1 Conv2D of 5 + n_classes filters without "
                                                      "an activation?"))))),
]
