"""Notebook 10's interpolated character n-gram model (course_utils/lessons/text_generation.py, exported from the
notebook): a distribution for every context, the add-one unigram at order 1, Witten-Bell bits computed by hand,
seeded sampling. NumPy only, well under a second."""
from fractions import Fraction

import numpy as np
import pytest

from course_utils import by_hand
from course_utils.lessons import text_generation as tg

pytestmark = pytest.mark.concerns("10_text_generation")

VOCABULARY = list("abc")
TRAIN = tg.encode("abab", VOCABULARY)  # counts: a 2, b 2, c 0; pairs: ab 2, ba 1


def test_every_context_gets_a_distribution_over_the_vocabulary():
    rng = np.random.default_rng(0)
    text = rng.integers(0, 6, 500)
    model = tg.fit_ngram(text, 6, order=4)
    histories = [[-1, -1, -1], [-1, -1, 2], [0, 1, 2], [5, 5, 5], text[:3], [3, 4, 0]]
    for history in histories:
        p = tg.ngram_probabilities(model, np.tile(history, (6, 1)), np.arange(6))
        assert p.shape == (6,) and (p > 0).all() and p.sum() == pytest.approx(1, abs=1e-12), history


def test_order_one_is_the_add_one_unigram_of_by_hand():
    rng = np.random.default_rng(1)
    train, test = rng.integers(0, 7, 300), rng.integers(0, 7, 80)
    model = tg.fit_ngram(train, 7, order=1)
    assert tg.ngram_bits(model, test).mean() == pytest.approx(by_hand.ngram_bits(train, test, 7, order=1), abs=1e-12)


def test_bits_of_a_tiny_text_by_hand():
    # unigram (add-one): a 3/7, b 3/7, c 1/7
    # after a (n = 2, u = 1): p(b | a) = (2 + 1 * 3/7) / (2 + 1) = 17/21
    # after b (n = 1, u = 1): p(c | b) = (0 + 1 * 1/7) / (1 + 1) = 1/14
    # the first character has no history: p(a) = 3/7
    model = tg.fit_ngram(TRAIN, 3, order=2)
    bits = tg.ngram_bits(model, tg.encode("abc", VOCABULARY))
    exact = [Fraction(3, 7), Fraction(17, 21), Fraction(1, 14)]
    assert bits == pytest.approx([-np.log2(float(p)) for p in exact], abs=1e-12)
    # a context never seen in training (c) falls back to the unigram
    assert tg.ngram_probabilities(model, [[2]], [0])[0] == pytest.approx(3 / 7)
    # a higher order than the text supports keeps the lower orders' answer
    assert tg.ngram_bits(tg.fit_ngram(TRAIN, 3, order=5), tg.encode("ab", VOCABULARY)) == pytest.approx(bits[:2])


def test_sampling_is_reproducible_and_refuses_unknown_characters():
    model = tg.fit_ngram(tg.encode("abcabcabcab" * 5, VOCABULARY), 3, order=3)
    first = tg.sample_ngram(model, VOCABULARY, "ab", 30, [0.05, 1.0, 3.0], seed=7)
    assert first == tg.sample_ngram(model, VOCABULARY, "ab", 30, [0.05, 1.0, 3.0], seed=7)
    assert [len(t) for t in first] == [30, 30, 30] and first[0].startswith("cabcabcab")  # cold: the counted pattern
    assert first != tg.sample_ngram(model, VOCABULARY, "ab", 30, [0.05, 1.0, 3.0], seed=8)
    with pytest.raises(ValueError, match=r"'d': 1 character\(s\) of this text are not in the model's vocabulary of 3"):
        tg.sample_ngram(model, VOCABULARY, "abd", 5, [1.0])
    with pytest.raises(ValueError, match="counts 3 characters but the vocabulary has 4"):
        tg.sample_ngram(model, VOCABULARY + ["d"], "ab", 5, [1.0])


def test_an_order_too_large_for_int64_is_refused():
    with pytest.raises(ValueError, match=r"vocab_size \*\* order < 2 \*\* 63"):
        tg.fit_ngram(TRAIN, 1000, order=7)
