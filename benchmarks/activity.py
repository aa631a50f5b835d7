"""Activity benchmark: notebook 12's baseline and its three classifiers on the UEA BasicMotions recordings.

40 ten-second smartwatch recordings (accelerometer and gyroscope, 6 channels at 10 Hz) to train, 40 to test. The
nearest neighbour on the six channels' standard deviations (no training), then notebook 12's
``activity_classifier`` (dense, conv1d, lstm) trained by its ``fit_classifier`` on channels scaled with the training
statistics, once per seed: the mean test accuracy over the seeds and its standard deviation.
"""
from __future__ import annotations

import keras
import numpy as np

from course_utils import data, runtime
from course_utils.lessons.activity_recognition import (ACTIVITY_MODELS, activity_classifier, channel_spread,
                                                         fit_classifier, nearest_neighbour)

from .results import make_row


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    epochs, seeds = profile.pick(ci=5, lite=200, full=200), profile.pick(ci=2, lite=10, full=10)
    (x_train, y_train), (x_test, y_test) = data.load("basic_motions")
    neighbour = nearest_neighbour(channel_spread(x_train), y_train, channel_spread(x_test))
    rows = [make_row("activity", "nearest neighbour on the channels' standard deviations", "basic_motions", len(x_train),
                     0, 0, "test_accuracy", (neighbour == y_test).mean())]
    mean, std = x_train.mean(axis=(0, 1)), x_train.std(axis=(0, 1))
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    for kind in ACTIVITY_MODELS:
        accuracies, seconds = [], []
        for seed in range(seeds):
            keras.utils.set_random_seed(seed)
            model = activity_classifier(kind, *x_train.shape[1:], len(data.CLASS_NAMES["basic_motions"]))
            history = fit_classifier(model, x_train, y_train, epochs)
            accuracies.append((model.predict(x_test, verbose=0).argmax(axis=1) == y_test).mean())
            seconds.append(history.seconds_per_epoch)
        name = f"{kind}, {seeds} seeds"
        rows += [make_row("activity", f"{name}: mean", "basic_motions", len(x_train), epochs, np.mean(seconds),
                          "test_accuracy", np.mean(accuracies)),
                 make_row("activity", f"{name}: standard deviation", "basic_motions", len(x_train), epochs,
                          np.mean(seconds), "test_accuracy_std", np.std(accuracies))]
        print(f"{kind}: test accuracy {np.mean(accuracies):.3f} +- {np.std(accuracies):.3f} over {seeds} seeds", flush=True)
    return rows
