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


class _TableWriter:
    """A stand-in for the trained writer: the logits at each position are a row of `table` picked by the id there.
    It answers `model(ids)`, `model.predict(ids)` and `model.predict_on_batch(ids)` and remembers what it was shown."""

    def __init__(self, table: np.ndarray):
        self.table, self.shown = np.asarray(table, dtype="float32"), []

    def predict_on_batch(self, ids):
        ids = np.asarray(ids)
        assert ids.ndim == 2, (f"the model was given ids of shape {ids.shape}: it reads a batch of sequences, shape "
                               "(1, characters so far). Add the batch axis, for example np.array([ids]).")
        assert np.issubdtype(ids.dtype, np.integer), f"the model was given {ids.dtype} values: give it the integer ids."
        self.shown.append(ids[0].copy())
        return self.table[ids]

    def predict(self, ids, verbose="auto", **options):
        return self.predict_on_batch(ids)

    def __call__(self, ids, training=False):
        import keras

        return keras.ops.convert_to_tensor(self.predict_on_batch(keras.ops.convert_to_numpy(ids)))


def _total_variation(text: str, vocabulary: str, expected: np.ndarray) -> float:
    counts = np.array([text.count(char) for char in vocabulary], dtype=float)
    return 0.5 * float(np.abs(counts / max(len(text), 1) - expected).sum())


def _check_writer_loop(write) -> str:
    vocabulary = "abcde"
    chain = np.zeros((5, 5))
    chain[np.arange(5), (np.arange(5) + 1) % 5] = 4.0  # after a comes b, after b comes c, ... after e comes a
    model = _TableWriter(chain)
    got = write(model, vocabulary, "ca", 7, 1e-3, seed=0)
    assert isinstance(got, str), f"`write` should return the new characters as one string, not a {type(got).__name__}."
    if got.startswith("ca") and len(got) == 9:
        raise AssertionError("return only the n_chars new characters, without the prompt in front.")
    assert len(got) == 7, f"asked for 7 new characters, `write` returned {len(got)}: {got!r}."
    if got == "d" * 7:
        raise AssertionError("every character follows the prompt's first character: read the prediction at the "
                             "last position of the model's output, logits[0, -1], not the first.")
    if len(set(got)) == 1:
        raise AssertionError(f"you wrote {got!r}: each step should read the character drawn at the step before. "
                             "Append each drawn id to the sequence you give the model next.")
    follows = sum(vocabulary.index(b) == (vocabulary.index(a) + 1) % 5 for a, b in zip("a" + got, got))
    if follows <= 4:
        raise AssertionError(f"at a temperature near 0 the model is certain, yet you wrote {got!r}, as if at random: "
                             "divide the logits by the temperature (your `with_temperature`), do not multiply, so "
                             "that a low temperature sharpens the probabilities towards the argmax.")
    assert got == "bcdeabc", (
        f"a model that always predicts the next letter of the alphabet, at a temperature near 0, should write "
        f"'bcdeabc' after 'ca'; yours wrote {got!r}. Near T = 0 sampling becomes the argmax: read the logits at the "
        "last position, divide them by the temperature, draw, append, repeat.")
    assert all(len(shown) > 0 for shown in model.shown) and len(model.shown) == 7, (
        f"the model was asked {len(model.shown)} times for 7 characters: ask it once per character, each time with "
        "the sequence so far.")
    try:
        write(model, vocabulary, "cab!", 3, 1.0, seed=0)
    except (ValueError, KeyError):
        pass
    else:
        raise AssertionError("'!' is not in the vocabulary, yet `write` wrote on: the model has no vector for it. "
                             "Refuse an unknown character with an error, as `encode` does.")
    p = np.array([0.45, 0.3, 0.15, 0.07, 0.03])
    flat = _TableWriter(np.tile(np.log(p), (5, 1)))
    for temperature in (0.5, 2.0):
        text = write(flat, vocabulary, "a", 1000, temperature, seed=1)
        expected = p ** (1 / temperature) / (p ** (1 / temperature)).sum()
        distance = _total_variation(text, vocabulary, expected)
        if len(set(text)) == 1:
            raise AssertionError(f"at temperature {temperature} you always write {text[0]!r}, the likeliest "
                                 "character: draw from the probabilities, rng.choice(len(vocabulary), p=p).")
        if _total_variation(text, vocabulary, p ** temperature / (p ** temperature).sum()) < distance:
            raise AssertionError(f"at temperature {temperature} your characters follow p ** T: divide the logits by "
                                 "the temperature (your `with_temperature`), do not multiply.")
        assert distance < 0.08, (
            f"from a model whose next-character probabilities are {p.tolist()}, at temperature {temperature} the "
            f"shares should be near {np.round(expected, 3).tolist()}, yours are "
            f"{[round(text.count(c) / len(text), 3) for c in vocabulary]}. Draw each character with "
            "rng.choice(len(vocabulary), p=with_temperature(logits, temperature)).")
    again = write(flat, vocabulary, "a", 50, 1.0, seed=5)
    assert again == write(flat, vocabulary, "a", 50, 1.0, seed=5), (
        "the same seed gave two different texts: draw with rng = np.random.default_rng(seed), not np.random's global "
        "generator, so that a sample can be repeated.")
    assert again != write(flat, vocabulary, "a", 50, 1.0, seed=6), "seeds 5 and 6 gave the same text: use the seed."
    return ("the writer reads only its last prediction, draws from it at the temperature and feeds the draw back: "
            "at T near 0 that is the argmax, and an unknown character stops it before the model sees it.")


q4 = Exercise(
    "10", "q4",
    _check_writer_loop,
    hint=("Start from the prompt's ids (encode refuses unknown characters). In each of n_chars steps give the model "
          "one sequence (a batch axis in front), keep only the logits of the last position, turn them into "
          "probabilities with your with_temperature, draw one id with the seeded generator, and append it. Decode "
          "the new ids only."),
)
