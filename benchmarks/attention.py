"""Attention benchmark: notebook 11's date translator with and without attention, on sentences of one to three dates.

Each sentence holds 1 to ``MAX_DATES`` random days written in seven human styles (seeded), the target their ISO
8601 forms padded to the length of three; the test sentences use only days held out of training (a fifth of
1950-2049), so no test date occurs in training. Rows: exact-match accuracy of notebook 11's ``translator`` trained
by its ``fit_translator`` with ``attention=False`` and ``attention=True``, after several epochs, over all test
sentences and by the number of dates in them (the input's length), measured by ``ExactMatchCurve`` (one
teacher-forced pass, the same verdict as greedy decoding). Seconds per epoch include that measurement.
"""
from __future__ import annotations

import keras
import numpy as np

from course_utils import runtime
from course_utils.lessons.attention import (ExactMatchCurve, date_lists, encode_padded, fit_translator, split_days,
                                            translator)

from .results import make_row

MAX_DATES = 3


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    n_train, n_test = profile.pick(ci=600, lite=10_000, full=20_000), profile.pick(ci=200, lite=2000, full=2000)
    units, epochs = profile.pick(ci=16, lite=128, full=128), profile.pick(ci=2, lite=10, full=15)

    train_days, test_days = split_days(0.2, seed=0)
    train_source, train_target, _ = date_lists(n_train, 0, train_days, MAX_DATES)
    test_source, test_target, test_styles = date_lists(n_test, 1, test_days, MAX_DATES)
    source_vocabulary = ["<pad>"] + sorted(set("".join(train_source)))
    target_vocabulary = list("0123456789- .")
    start, length = len(target_vocabulary), max(map(len, train_source + test_source))
    x_train, x_test = (encode_padded(s, source_vocabulary, length) for s in (train_source, test_source))
    y_train, y_test = (encode_padded(t, target_vocabulary) for t in (train_target, test_target))
    n_dates = np.array([len(styles) for styles in test_styles])
    measured_at = sorted({e for e in (1, 2, 5, 10, epochs) if e <= epochs})

    rows = []
    for attention in (False, True):
        keras.utils.set_random_seed(0)
        model = translator(len(source_vocabulary), len(target_vocabulary), units, attention=attention)
        curve = ExactMatchCurve(x_test, y_test, start)
        history = fit_translator(model, x_train, y_train, start, epochs, callbacks=[curve])
        name = f"{model.name} (GRU {units})"
        for epoch in measured_at:
            exact = curve.history[epoch - 1]
            rows.append(make_row("attention", name, f"sentences of 1-{MAX_DATES} dates, after {epoch} epochs", n_train,
                                 epoch, history.seconds_per_epoch, "exact_match", exact.mean()))
            for k in range(1, MAX_DATES + 1):
                rows.append(make_row("attention", name, f"sentences of {k} date{'s' * (k > 1)}, after {epoch} epochs",
                                     n_train, epoch, 0, "exact_match", exact[n_dates == k].mean()))
        final = curve.history[-1]
        print(f"{name}: exact match after {epochs} epochs " +
              ", ".join(f"{final[n_dates == k].mean():.3f} with {k} date{'s' * (k > 1)}" for k in range(1, MAX_DATES + 1)), flush=True)
    return rows
