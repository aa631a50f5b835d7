"""Hidden tests of notebook 16 (unpaired translation with CycleGAN): 4 + 5 + 5 points.

q1 and q2 run on images and scores drawn for every grading run; q3's critic is built for two sizes in the student's
process and trained by the grader with the least-squares critic loss on small images drawn for the run, in a process
that runs no student code.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from grading.hidden import HiddenTest, Task, as_array, call_each, judged
from grading.hidden.keras_layers import built, learned, loss_before_after, saved_network, size_judge

# --- q1: nearest_translation(images, targets) -----------------------------------------------------------------------


def _q1_probes(rng: np.random.Generator) -> dict:
    from course_utils.exercises.nb16 import translation_probe

    first = translation_probe(int(rng.integers(2**31)), n=int(rng.integers(3, 7)), m=int(rng.integers(10, 16)))
    second = translation_probe(int(rng.integers(2**31)), n=4, m=9)
    targets = np.round(second[1], 3)
    return {"calls": [[np.round(first[0], 3).tolist(), np.round(first[1], 3).tolist()],
                      [np.round(second[0], 3).tolist(), targets.tolist()],
                      [targets[[2, 0]].tolist(), targets.tolist()]]}   # images that are targets themselves


def _q1_values(student, reference, probes):
    for i in (0, 1):
        got, want = as_array(student[i]), as_array(reference[i])
        assert got.shape == want.shape, (f"for {want.shape[0]} images it should return {want.shape[0]} target images, "
                                         f"an array of shape {want.shape}, not {got.shape}")
        assert np.allclose(got, want), "each image should get the target closest to it in Euclidean distance"


def _q1_itself(student, reference, probes):
    got = as_array(student[2])
    want = np.asarray(probes["calls"][2][0])
    assert got.shape == want.shape and np.allclose(got, want), (
        "an image that is one of the targets is nearest to itself: it should get that target back, as an image")


# --- q2: lsgan_losses(real_scores, fake_scores) ---------------------------------------------------------------------


def _q2_probes(rng: np.random.Generator) -> dict:
    calls = []
    for shape_real, shape_fake in [((2, 7, 7, 1), (2, 7, 7, 1)), ((3, 4, 4, 1), (6, 4, 4, 1)), ((5,), (2,))]:
        calls.append([np.round(rng.normal(0.7, 0.5, shape_real), 4).tolist(),
                      np.round(rng.normal(0.3, 0.5, shape_fake), 4).tolist()])
    return {"calls": calls}


def _q2_part(which: int, what: str):
    def check(student, reference, probes):
        for got, want in zip(student, reference):
            if isinstance(got, dict) and "error" in got:
                raise AssertionError(f"it raised {got['error']}")
            got = as_array(got).ravel()
            assert got.shape == (2,), "it should return two numbers, (critic_loss, translator_loss)"
            assert np.isclose(got[which], as_array(want).ravel()[which], rtol=1e-5), what
    return check


# --- q3: whole_image_critic(filters) -------------------------------------------------------------------------------

STEPS = 30  # Adam steps the grader trains the student's critic for


def _q3_probes(rng: np.random.Generator) -> dict:
    return {"sizes": [[int(rng.choice([4, 6, 8]))], [int(rng.choice([2, 3, 5]))]], "seed": int(rng.integers(2**31))}


def _q3_evaluate(collected: dict, probes: dict, folder: Path) -> dict:
    """Train the student's critic to score 16 small tall blocks 1 and low blocks 0 (least squares)."""
    from course_utils.exercises.nb16 import two_kinds

    x, y = two_kinds(16, probes["seed"])
    return loss_before_after(saved_network(folder), probes["seed"], x, y, "mean_squared_error", STEPS, 2e-3)


TASKS = [
    Task("q1", ("nearest_translation",), probes=_q1_probes, time_limit=15,
         forbidden=("course_utils.by_hand.nearest_translation", "course_utils.lessons.mnist_cnn.nearest_neighbour"),
         collect=lambda values, probes: call_each(values["nearest_translation"], probes["calls"]),
         tests=(HiddenTest("the nearest target in Euclidean distance, for images and targets drawn", 3, judged(_q1_values)),
                HiddenTest("an image that is one of the targets gets itself back", 1, judged(_q1_itself)))),
    Task("q2", ("lsgan_losses",), probes=_q2_probes, time_limit=15,
         forbidden=("course_utils.by_hand.least_squares_gan_losses",),
         collect=lambda values, probes: call_each(values["lsgan_losses"], probes["calls"]),
         tests=(HiddenTest("the critic's loss, for scores drawn (batches of different sizes included)", 3,
                           judged(_q2_part(0, "the critic's loss is 0.5 * (mean (real - 1)^2 + mean fake^2), each mean "
                                              "taken on its own"))),
                HiddenTest("the translator's loss, for the same scores", 2,
                           judged(_q2_part(1, "the translator's loss is mean (fake - 1)^2"))))),
    Task("q3", ("whole_image_critic",), preload=("keras",), probes=_q3_probes,
         collect=lambda values, probes: built(values["whole_image_critic"], probes["sizes"]),
         evaluate=_q3_evaluate, time_limit=60,
         tests=(HiddenTest("layers, shapes and parameters for the first size drawn", 2,
                           judged(size_judge("whole_image_critic", 0))),
                HiddenTest("the same for a second size drawn", 1, judged(size_judge("whole_image_critic", 1))),
                HiddenTest(f"trained by the grader for {STEPS} steps with the least-squares critic loss, the loss falls "
                           "by half or more", 2,
                           judged(learned(STEPS, 0.5, "do the convolutions use strides=2 and padding=\"same\", and is "
                                                      "the last one without an activation?"))))),
]
