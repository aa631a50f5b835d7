"""Vision benchmark: notebook 14's segmentation and notebook 15's detection on scenes of real MNIST digits, and
notebook 16's CycleGAN between Fashion-MNIST's sneakers and ankle boots, each against its cheap baselines.
``VISION_PARTS=detection make bench BENCH=vision`` runs one part (default: all three; the parts are segmentation,
detection and cyclegan).

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
CycleGAN rows (``translation_scores`` of notebook 16, on all 1,000 test sneakers and 1,000 test ankle boots, each
way): the share the course's Fashion-MNIST classifier (``fashion_cnn``) calls the target class, the Frechet distance
between its features of the translations and of the real items of that class, and the round-trip error. For doing
nothing, adding the mean difference of the training images, the nearest training item of the other class, the
course's CycleGAN checkpoint and the checkpoint trained with the adversarial loss only (both by
tools/train_cyclegan.py on all 6,000 + 6,000 training images, 12 epochs; not retrained here: on 2 CPU cores that
takes about 25 minutes each).
"""
from __future__ import annotations

import os
import time

import keras
import numpy as np

from course_utils import by_hand, data, judging, runtime, scenes
from course_utils.lessons.cyclegan import ANKLE_BOOT, SNEAKER, domain, translate, translation_scores
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


def cyclegan() -> list[dict]:
    (x_train, y_train), (x_test, y_test) = data.load("fashion_mnist")
    sneakers, boots = domain(x_train, y_train, SNEAKER), domain(x_train, y_train, ANKLE_BOOT)
    test_sneakers, test_boots = domain(x_test, y_test, SNEAKER), domain(x_test, y_test, ANKLE_BOOT)
    difference = boots.mean(axis=0) - sneakers.mean(axis=0)
    translations = {
        "do nothing": (lambda x: x, lambda x: x),
        "add the mean difference (no training)": (lambda x: np.clip(x + difference, -1, 1),
                                                  lambda x: np.clip(x - difference, -1, 1)),
        "nearest training item of the other class (no training)": (lambda x: by_hand.nearest_translation(x, boots),
                                                                   lambda x: by_hand.nearest_translation(x, sneakers)),
    }
    for name, checkpoint in [("CycleGAN checkpoint", "cyclegan"), ("adversarial loss only, checkpoint", "cyclegan_no_cycle")]:
        both = data.load(checkpoint)
        there, back = both.get_layer("sneaker_to_boot"), both.get_layer("boot_to_sneaker")
        translations[name] = (lambda x, net=there: translate(net, x), lambda x, net=back: translate(net, x))
    judge, rows = data.load("fashion_cnn"), []
    for name, (there, back) in translations.items():
        scores = translation_scores(judge, there, back, test_sneakers, test_boots)
        print(f"{name}: " + ", ".join(f"{key} {value:.3f}" for key, value in scores.items()), flush=True)
        for way, judged, distance, round_trip in [
                ("sneakers -> ankle boots", "sneakers judged boots", "distance to real boots", "round trip error, sneakers"),
                ("ankle boots -> sneakers", "boots judged sneakers", "distance to real sneakers", "round trip error, boots")]:
            for metric, key in [("judged_share", judged), ("frechet_distance", distance), ("round_trip_error", round_trip)]:
                rows.append(make_row("vision", f"cyclegan: {name}", f"fashion_mnist test, {way}, {metric}", 0, 0, 0,
                                     metric, scores[key]))
    return rows


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    parts = [part.strip() for part in os.environ.get("VISION_PARTS", "segmentation,detection,cyclegan").split(",")]
    train, test = _scenes(profile) if {"segmentation", "detection"} & set(parts) else (None, None)
    return [row for part in parts for row in (
        cyclegan() if part == "cyclegan" else {"segmentation": segmentation, "detection": detection}[part](profile, train, test))]
