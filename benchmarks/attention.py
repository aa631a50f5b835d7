"""Attention benchmark: notebook 11's date translator with and without attention.

Dates written in seven human styles (seeded) translated to ISO 8601; exact-match accuracy of greedy decoding on
dates from another seed, for notebook 11's ``translator`` trained by its ``fit_translator`` with
``attention=False`` and ``attention=True``: overall after several epochs (how fast each learns), and by the
length of the written date after ``EARLY`` epochs, where the two still differ. Seconds per epoch include these
measurements (a greedy decoding of the test dates, about a second each).
"""
from __future__ import annotations

import keras
import numpy as np

from course_utils import runtime
from course_utils.lessons.attention import encode_padded, fit_translator, greedy_decode, human_dates, translator

from .results import make_row

BUCKETS = ((0, 10), (11, 15), (16, 20), (21, 25), (26, 32))  # characters in the written date, both ends included
EARLY = 2


class ExactMatch(keras.callbacks.Callback):
    """Greedy-decode the test dates after the chosen epochs and keep which came out exactly right."""

    def __init__(self, x, y, start: int, epochs: tuple[int, ...]):
        super().__init__()
        self.x, self.y, self.start, self.epochs, self.found = x, y, start, epochs, {}

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 in self.epochs:
            self.found[epoch + 1] = (greedy_decode(self.model, self.x, self.start, self.y.shape[1]) == self.y).all(axis=1)


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    n_train, n_test = profile.pick(ci=1000, lite=10_000, full=20_000), profile.pick(ci=300, lite=2000, full=2000)
    units, epochs = profile.pick(ci=16, lite=128, full=128), profile.pick(ci=2, lite=10, full=15)

    train_source, train_target = human_dates(n_train, seed=0)
    test_source, test_target = human_dates(n_test, seed=1)
    source_vocabulary = ["<pad>"] + sorted(set("".join(train_source)))
    target_vocabulary = list("0123456789-")
    start, length = len(target_vocabulary), max(map(len, train_source + test_source))
    x_train, x_test = (encode_padded(s, source_vocabulary, length) for s in (train_source, test_source))
    y_train, y_test = (encode_padded(t, target_vocabulary) for t in (train_target, test_target))
    lengths = np.array([len(s) for s in test_source])
    measured_at = tuple(sorted({e for e in (1, EARLY, 5, epochs) if e <= epochs}))

    rows = []
    for attention in (False, True):
        keras.utils.set_random_seed(0)
        model = translator(len(source_vocabulary), len(target_vocabulary), units, attention=attention)
        exact = ExactMatch(x_test, y_test, start, measured_at)
        history = fit_translator(model, x_train, y_train, start, epochs, callbacks=[exact])
        name = f"{model.name} (GRU {units})"
        for epoch in measured_at:
            rows.append(make_row("attention", name, f"dates, all lengths, after {epoch} epochs", n_train, epoch,
                                 history.seconds_per_epoch, "exact_match", exact.found[epoch].mean()))
        for low, high in BUCKETS:
            chosen = (lengths >= low) & (lengths <= high)
            rows.append(make_row("attention", name, f"dates of {low}-{high} characters, after {EARLY} epochs", n_train,
                                 EARLY, 0, "exact_match", exact.found[EARLY][chosen].mean()))
        print(f"{name}: exact match " + ", ".join(f"{exact.found[e].mean():.3f} after {e}" for e in measured_at), flush=True)
    return rows
