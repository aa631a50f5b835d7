"""Text benchmark: notebook 10's next-character LSTM against the counting models, on a play it never read.

Train on the first characters of every Shakespeare work but Hamlet, test on Hamlet: held-out bits per
character of the uniform model (log2 of the vocabulary), add-one unigram and bigram counts, notebook 10's
interpolated n-grams of orders 2 to 5 (``fit_ngram``: Witten-Bell over the add-one unigram, whose order 1 is the
unigram row exactly), and notebook 10's ``char_lstm`` trained by its ``fit_writer``; the network's cost with one character of context against the whole
piece; and the network as a multiple of the bigram.
"""
from __future__ import annotations

import keras
import numpy as np

from course_utils import by_hand, data, runtime
from course_utils.lessons.text_generation import (char_lstm, encode, fit_ngram, fit_writer, next_char_bits,
                                                  next_char_examples, ngram_bits)

from .results import make_row

HELD_OUT, LENGTH, EMBED_DIM, MAX_ORDER = "hamlet", 64, 16, 5
DATASET = f"shakespeare (held out: {HELD_OUT})"


def texts(profile: runtime.Profile) -> tuple[np.ndarray, np.ndarray, int]:
    """The profile's training and test ids and the vocabulary's size."""
    train_chars = profile.pick(ci=30_000, lite=600_000, full=2_000_000)
    test_chars = profile.pick(ci=10_000, lite=170_000, full=170_000)
    works = data.load("shakespeare")
    train_text = "\n".join(text for name, text in works.items() if name != HELD_OUT)
    vocabulary = sorted(set(train_text))
    return encode(train_text[:train_chars], vocabulary), encode(works[HELD_OUT][:test_chars], vocabulary), len(vocabulary)


def counting_rows(train_ids: np.ndarray, test_ids: np.ndarray, vocab_size: int) -> list[dict]:
    """The models that only count: uniform, add-one unigram and bigram, interpolated n-grams of orders 2 to 5."""
    def row(model: str, value: float) -> dict:
        return make_row("text", model, DATASET, len(train_ids), 0, 0, "heldout_bits_per_char", value)

    rows = [row(f"uniform (log2 {vocab_size})", np.log2(vocab_size)),
            row("unigram (add-one)", by_hand.ngram_bits(train_ids, test_ids, vocab_size, order=1)),
            row("bigram (add-one)", by_hand.ngram_bits(train_ids, test_ids, vocab_size, order=2))]
    return rows + [row(f"{order}-gram (interpolated)", ngram_bits(fit_ngram(train_ids, vocab_size, order), test_ids).mean())
                   for order in range(2, MAX_ORDER + 1)]


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    units = profile.pick(ci=32, lite=128, full=256)
    epochs = profile.pick(ci=1, lite=5, full=8)
    train_ids, test_ids, vocab_size = texts(profile)

    def row(model: str, epochs_run: int, seconds: float, metric: str, value: float) -> dict:
        return make_row("text", model, DATASET, len(train_ids), epochs_run, seconds, metric, value)

    rows = counting_rows(train_ids, test_ids, vocab_size)
    bigram = rows[2]["value"]

    keras.utils.set_random_seed(0)
    model = char_lstm(vocab_size, EMBED_DIM, units)
    x_train, y_train = next_char_examples(train_ids, LENGTH)
    history = fit_writer(model, x_train, y_train, epochs)
    bits = next_char_bits(model, *next_char_examples(test_ids, LENGTH))
    name = f"char_lstm ({units} units)"
    rows += [row(name, epochs, history.seconds_per_epoch, "heldout_bits_per_char", bits.mean()),
             row(f"{name}, 1 character of context", epochs, 0, "heldout_bits_per_char", bits[:, 0].mean()),
             row(f"{name}, {LENGTH // 2}-{LENGTH} characters of context", epochs, 0, "heldout_bits_per_char",
                 bits[:, LENGTH // 2:].mean()),
             row(f"{name} / bigram", epochs, 0, "bits_ratio", bits.mean() / bigram)]
    print(f"{name}: {bits.mean():.3f} bits per character on {HELD_OUT} after {epochs} epochs (bigram {bigram:.3f}, "
          f"{MAX_ORDER}-gram {rows[MAX_ORDER + 1]['value']:.3f})", flush=True)
    return rows
