"""Vision benchmark: notebook 14's segmentation and notebook 15's detection on scenes of real MNIST digits, each
against its cheap baseline. ``VISION_PARTS=detection make bench BENCH=vision`` runs one part (default: both).

Test scenes hold every one of MNIST's 10,000 test digits once (``scenes.compose(..., seed=2, every_item_once=True)``,
as in the notebook). Rows, each with the mean IoU over the ten digit classes and the pixel accuracy:
- "background everywhere": what pixel accuracy alone would praise;
- the baseline with no training: a threshold, connected blobs and the course's digit classifier (``blobs_baseline``);
- notebook 14's ``segmenter`` trained here by ``fit_segmenter`` on the profile's scenes (under ``full``: every one of
  the 60,000 training digits once, 12 epochs, as the notebook's ``full`` profile does);
- the course's checkpoint (``data/checkpoints/segmenter.keras``, tools/train_segmenter.py), which the notebook judges
  under ``ci`` and ``lite``.
Detection rows, mAP@0.5 over the ten digits (notebook 15's ``mean_average_precision``): the blobs as boxes, scored by
the classifier's probability; notebook 15's ``grid_detector`` trained here (``full``: all training digits, 12 epochs)
and the course's checkpoint (``data/checkpoints/detector.keras``), their boxes decoded and put through non-maximum
suppression at IoU 0.5.
"""
from __future__ import annotations

import os
import time

import keras
import numpy as np

from course_utils import by_hand, data, judging, runtime, scenes
from course_utils.lessons.detection import (blob_detections, decode, encode_boxes, fit_detector, grid_detector,
                                            mean_average_precision)
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


def _scenes(profile) -> tuple:
    n_train_scenes = profile.pick(ci=300, lite=4_000, full=None)
    (x_train, y_train), (x_test, y_test) = data.load("mnist")
    train = scenes.compose(x_train, y_train, n_train_scenes, seed=1, every_item_once=n_train_scenes is None)
    return train, scenes.compose(x_test, y_test, None, seed=2, every_item_once=True)


def segmentation(profile, train, test) -> list[dict]:
    epochs = profile.pick(ci=1, lite=6, full=12)
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


def _suppressed(model, images) -> list[np.ndarray]:
    found = [decode(grid) for grid in model.predict(images[..., None], batch_size=256, verbose=0)]
    return [d[by_hand.non_max_suppression(d[:, :4], d[:, 4], 0.5)] for d in found]


def _map_row(model: str, n_train: int, epochs: int, seconds: float, detections, truths) -> dict:
    mean_ap, _ = mean_average_precision(detections, truths)
    print(f"{model}: mAP@0.5 {mean_ap:.3f}", flush=True)
    return make_row("vision", f"detection: {model}", "mnist scenes, all 10,000 test digits", n_train, epochs, seconds,
                    "map_50", mean_ap)


def detection(profile, train, test) -> list[dict]:
    epochs = profile.pick(ci=1, lite=8, full=12)
    rows = [_map_row("blobs as boxes + digit_cnn checkpoint (no training)", 0, 0, 0,
                     blob_detections(test.images, judging.digit_classifier()), test.boxes)]
    targets = np.stack([encode_boxes(boxes)[0] for boxes in train.boxes])
    keras.utils.set_random_seed(0)
    model = grid_detector()
    started = time.perf_counter()
    fit_detector(model, train.images, targets, epochs)
    seconds = (time.perf_counter() - started) / epochs
    rows.append(_map_row(f"grid detector trained on {len(train.images):,} scenes", len(train.images), epochs, seconds,
                         _suppressed(model, test.images), test.boxes))
    rows.append(_map_row("grid detector checkpoint", 0, 0, 0, _suppressed(data.load("detector"), test.images), test.boxes))
    return rows


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    train, test = _scenes(profile)
    parts = os.environ.get("VISION_PARTS", "segmentation,detection").split(",")
    return [row for part in parts for row in {"segmentation": segmentation, "detection": detection}[part.strip()](
        profile, train, test)]
