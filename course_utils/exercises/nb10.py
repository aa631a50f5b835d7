"""Exercises of notebook 10 (text: characters, embeddings and an LSTM that writes).

    >>> import numpy as np
    >>> from course_utils.exercises import nb10
    >>> nb10.q3.check(lambda logits, temperature: np.ones_like(logits) / logits.shape[-1])
    Not quite (q3): ...
"""
from __future__ import annotations

import numpy as np

from .. import by_hand
from . import Exercise, keras_checks


def _check_bigram(func) -> str:
    rng = np.random.default_rng(10)
    for vocab_size, n_train, n_test in [(3, 40, 12), (6, 500, 80), (12, 2000, 300)]:
        train = rng.integers(0, vocab_size - 1, n_train)  # the last character never occurs in training
        test = rng.integers(0, vocab_size, n_test)
        want = by_hand.ngram_bits(train, test, vocab_size, order=2)
        got = float(func(train, test, vocab_size))
        case = f"for {n_train} training and {n_test} test characters over a vocabulary of {vocab_size},"
        assert np.isfinite(got), (f"{case} you get {got}: a pair never seen in training has probability 0 without "
                                  "smoothing. Add one to every pair count.")
        if np.isclose(got, want * np.log(2)):
            raise AssertionError(f"{case} you give nats (natural log); bits use log2.")
        if np.isclose(got, by_hand.ngram_bits(train, test, vocab_size, order=1)):
            raise AssertionError(f"{case} that is the unigram model: count pairs (previous, next) instead.")
        joint = np.bincount(train[:-1] * vocab_size + train[1:], minlength=vocab_size ** 2) + 1
        if np.isclose(got, -np.mean(np.log2(joint[test[:-1] * vocab_size + test[1:]] / joint.sum()))):
            raise AssertionError(f"{case} you divide by all pairs: p(c | b) divides the count of (b, c) by the "
                                 "count of pairs that start with b, plus V.")
        assert np.isclose(got, want), (f"{case} the bigram model pays {want:.4f} bits per character, you say "
                                       f"{got:.4f}. Score test[1:] given test[:-1], with (n(b, c) + 1) / (n(b) + V).")
    return ("the bigram knows one character of history; smoothing gives unseen pairs a small probability "
            "instead of an infinite cost.")


q1 = Exercise(
    "10", "q1",
    _check_bigram,
    hint=("counts = np.zeros((vocab_size, vocab_size)); np.add.at(counts, (train_ids[:-1], train_ids[1:]), 1); "
          "add 1, divide each row by its sum, then average -log2 of p[test_ids[:-1], test_ids[1:]]."),
)


def _gru_params(inputs: int, units: int) -> int:
    """Keras' default GRU (reset_after=True): three gates, each with a kernel, a recurrent kernel and two biases."""
    return 3 * (units * (inputs + units) + 2 * units)


def _check_gru_writer(build) -> str:
    import keras

    assert callable(build), "`gru_writer` should be a function that builds and returns the model."
    for vocab_size, embed_dim, units in [(30, 8, 16), (84, 16, 32)]:
        model = build(vocab_size, embed_dim, units)
        what = f"`gru_writer({vocab_size}, {embed_dim}, {units})`"
        keras_checks.assert_model(model, what)
        gru = next((layer for layer in model.layers if isinstance(layer, keras.layers.GRU)), None)
        if gru is not None and len(gru.output.shape) == 2:
            raise AssertionError("the GRU returns only its last state, so the model predicts one character per "
                                 "sequence: give it `return_sequences=True` to predict the next character everywhere.")
        keras_checks.assert_layers(model, [
            ("Embedding", (None, None, embed_dim), vocab_size * embed_dim),
            ("GRU", (None, None, units), _gru_params(embed_dim, units)),
            ("Dense", (None, None, vocab_size), units * vocab_size + vocab_size),
        ])
        keras_checks.assert_last_activation(model, "linear", "leave it linear, so that the model gives logits and the "
                                            "loss uses from_logits=True (and sampling can divide them by a temperature).")
        embedding = next(layer for layer in model.layers if isinstance(layer, keras.layers.Embedding))
        assert not embedding.mask_zero, (
            "id 0 is the newline, a character like any other: with mask_zero=True the GRU skips every newline and the "
            "model never learns where lines end. Leave mask_zero at its default, False.")
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 30, (16, 21)).astype("int32")
    probe = build(30, 8, 16)
    changed = ids.copy()
    changed[:, -1] = (ids[:, -1] + 1) % 30
    before, after = (keras.ops.convert_to_numpy(probe(batch)) for batch in (ids, changed))
    assert np.allclose(before[:, :-1], after[:, :-1], atol=1e-5), (
        "changing only the last character changed the predictions at earlier positions: your network reads the "
        "future (go_backwards=True, or a Bidirectional layer). A writer may use only the characters before each "
        "position, so read the sequence forwards.")
    keras_checks.loss_falls(lambda: build(30, 8, 16), ids[:, :-1], ids[:, 1:],
                            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return ("the notebook's writer with a GRU: the same embedding and output layer around a cell with two gates "
            "instead of three, so about 3/4 of the LSTM's recurrent parameters.")


q2 = Exercise(
    "10", "q2",
    _check_gru_writer,
    hint=('keras.Sequential([keras.Input((None,), dtype="int32"), layers.Embedding(vocab_size, embed_dim), '
          "layers.GRU(units, return_sequences=True), layers.Dense(vocab_size)]): `char_lstm` with a GRU."),
)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)


def _check_temperature(func) -> str:
    rng = np.random.default_rng(3)
    logits = rng.normal(0, 2, (4, 7))
    for temperature in (1.0, 0.5, 2.0, 0.1):
        got = np.asarray(func(logits, temperature), dtype=float)
        case = f"at temperature {temperature},"
        assert got.shape == logits.shape, f"{case} return one probability per logit: shape {logits.shape}, yours {got.shape}."
        assert np.allclose(got.sum(axis=-1), 1), f"{case} each row should sum to 1 (divide by the sum over the last axis)."
        if temperature != 1 and np.allclose(got, _softmax(logits * temperature)):
            raise AssertionError(f"{case} you multiply by the temperature: divide the logits by it, so that a low "
                                 "temperature sharpens the distribution.")
        assert np.allclose(got, _softmax(logits / temperature)), (
            f"{case} the probabilities should be exp(logit / T) / sum(exp(logit / T)) along the last axis.")
    big = np.array([[1000.0, 999.0, 990.0]])
    got = np.asarray(func(big, 1.0), dtype=float)
    assert np.all(np.isfinite(got)), ("logits of 1000 overflow exp(): subtract each row's largest logit first; the "
                                      "probabilities do not change.")
    return "T < 1 sharpens the distribution towards the likeliest character, T > 1 flattens it towards uniform."


q3 = Exercise(
    "10", "q3",
    _check_temperature,
    hint="z = logits / temperature; z = z - z.max(axis=-1, keepdims=True); return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)",
)
