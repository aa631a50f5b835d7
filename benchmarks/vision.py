"""Vision benchmark: notebook 14's segmentation of scenes of real MNIST digits, against its cheap baseline.

Test scenes hold every one of MNIST's 10,000 test digits once (``scenes.compose(..., seed=2, every_item_once=True)``,
as in the notebook). Rows, each with the mean IoU over the ten digit classes and the pixel accuracy:
- "background everywhere": what pixel accuracy alone would praise;
- the baseline with no training: a threshold, connected blobs and the course's digit classifier (``blobs_baseline``);
- notebook 14's ``segmenter`` trained here by ``fit_segmenter`` on the profile's scenes (under ``full``: every one of
  the 60,000 training digits once, 12 epochs, as the notebook's ``full`` profile does);
- the course's checkpoint (``data/checkpoints/segmenter.keras``, tools/train_segmenter.py), which the notebook judges
  under ``ci`` and ``lite``.
"""
from __future__ import annotations

import time

import keras
import numpy as np

from course_utils import by_hand, data, judging, runtime, scenes
from course_utils.lessons.segmentation import blobs_baseline, fit_segmenter, predict_masks, segmenter

from .results import make_row

N_CLASSES = 11


def _rows(model: str, n_train: int, epochs: int, seconds: float, truth: np.ndarray, predicted: np.ndarray) -> list[dict]:
    ious = by_hand.iou_per_class(truth, predicted, N_CLASSES)
    dataset = "mnist scenes, all 10,000 test digits"
    print(f"{model}: mean digit IoU {np.nanmean(ious[1:]):.3f}, pixel accuracy {np.mean(truth == predicted):.4f}", flush=True)
    return [make_row("vision", f"segmentation: {model}", dataset, n_train, epochs, seconds, "mean_digit_iou",
                     np.nanmean(ious[1:])),
            make_row("vision", f"segmentation: {model}", f"{dataset}, pixels", n_train, epochs, seconds,
                     "pixel_accuracy", np.mean(truth == predicted))]


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    n_train_scenes = profile.pick(ci=300, lite=4_000, full=None)
    epochs = profile.pick(ci=1, lite=6, full=12)
    (x_train, y_train), (x_test, y_test) = data.load("mnist")
    train = scenes.compose(x_train, y_train, n_train_scenes, seed=1, every_item_once=n_train_scenes is None)
    test = scenes.compose(x_test, y_test, None, seed=2, every_item_once=True)
    rows = _rows("background everywhere", 0, 0, 0, test.masks, np.zeros_like(test.masks))
    rows += _rows("threshold + blobs + digit_cnn checkpoint (no training)", 0, 0, 0, test.masks,
                  blobs_baseline(test.images, judging.digit_classifier()))
    keras.utils.set_random_seed(0)
    model = segmenter()
    started = time.perf_counter()
    fit_segmenter(model, train.images, train.masks, epochs)
    seconds = (time.perf_counter() - started) / epochs
    rows += _rows(f"segmenter (U-Net) trained on {len(train.images):,} scenes", len(train.images), epochs, seconds,
                  test.masks, predict_masks(model, test.images))
    rows += _rows("segmenter checkpoint", 0, 0, 0, test.masks, predict_masks(data.load("segmenter"), test.images))
    return rows
