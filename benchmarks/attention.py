"""Attention benchmark: notebook 11's date translator with and without attention.

Dates written in seven human styles (seeded) translated to ISO 8601; exact-match accuracy of greedy decoding on
dates from another seed, overall and by the length of the written date, for notebook 11's ``translator`` trained
by its ``fit_translator`` with ``attention=False`` and ``attention=True``.
"""
from __future__ import annotations

import keras
import numpy as np

from course_utils import runtime
from course_utils.lessons.attention import encode_padded, fit_translator, greedy_decode, human_dates, translator

from .results import make_row

BUCKETS = ((0, 10), (11, 15), (16, 20), (21, 25), (26, 32))  # characters in the written date, both ends included


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    n_train, n_test = profile.pick(ci=1000, lite=10_000, full=20_000), profile.pick(ci=300, lite=2000, full=2000)
    units, epochs = profile.pick(ci=16, lite=128, full=128), profile.pick(ci=1, lite=10, full=15)

    train_source, train_target = human_dates(n_train, seed=0)
    test_source, test_target = human_dates(n_test, seed=1)
    source_vocabulary = ["<pad>"] + sorted(set("".join(train_source)))
    target_vocabulary = list("0123456789-")
    start, length = len(target_vocabulary), max(map(len, train_source + test_source))
    x_train, x_test = (encode_padded(s, source_vocabulary, length) for s in (train_source, test_source))
    y_train, y_test = (encode_padded(t, target_vocabulary) for t in (train_target, test_target))
    lengths = np.array([len(s) for s in test_source])

    rows = []
    for attention in (False, True):
        keras.utils.set_random_seed(0)
        model = translator(len(source_vocabulary), len(target_vocabulary), units, attention=attention)
        history = fit_translator(model, x_train, y_train, start, epochs)
        exact = (greedy_decode(model, x_test, start, y_test.shape[1]) == y_test).all(axis=1)
        name = f"{model.name} (GRU {units})"
        rows.append(make_row("attention", name, "dates, all lengths", n_train, epochs, history.seconds_per_epoch,
                             "exact_match", exact.mean()))
        for low, high in BUCKETS:
            chosen = (lengths >= low) & (lengths <= high)
            rows.append(make_row("attention", name, f"dates of {low}-{high} characters", n_train, epochs, 0,
                                 "exact_match", exact[chosen].mean()))
        print(f"{name}: exact match {exact.mean():.3f} after {epochs} epochs", flush=True)
    return rows
