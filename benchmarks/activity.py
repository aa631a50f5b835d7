"""Activity benchmark: notebook 12's three classifiers on the UEA BasicMotions recordings.

40 ten-second smartwatch recordings (accelerometer and gyroscope, 6 channels at 10 Hz) to train, 40 to test;
test accuracy of notebook 12's ``activity_classifier`` (dense, conv1d, lstm) trained by its ``fit_classifier``
on channels scaled with the training statistics.
"""
from __future__ import annotations

import keras

from course_utils import data, runtime
from course_utils.lessons.activity_recognition import ACTIVITY_MODELS, activity_classifier, fit_classifier

from .results import make_row


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    epochs = profile.pick(ci=5, lite=200, full=200)
    (x_train, y_train), (x_test, y_test) = data.load("basic_motions")
    mean, std = x_train.mean(axis=(0, 1)), x_train.std(axis=(0, 1))
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    rows = []
    for kind in ACTIVITY_MODELS:
        keras.utils.set_random_seed(0)
        model = activity_classifier(kind, *x_train.shape[1:], len(data.CLASS_NAMES["basic_motions"]))
        history = fit_classifier(model, x_train, y_train, epochs)
        accuracy = (model.predict(x_test, verbose=0).argmax(axis=1) == y_test).mean()
        rows.append(make_row("activity", kind, "basic_motions", len(x_train), epochs, history.seconds_per_epoch,
                             "test_accuracy", accuracy))
        print(f"{kind}: test accuracy {accuracy:.3f}", flush=True)
    return rows
