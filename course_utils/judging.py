"""Drawing digits from a trained generator and judging them with the course's digit classifier.

A generator maps noise (and, if conditional, a digit label) to 28 x 28 images in [-1, 1]; ``generate`` draws
from it with seeded noise and returns images in [0, 1], what the classifier and the plots take. ``judge`` turns
the classifier's probabilities into two numbers: how many samples it is sure about, and how often each digit occurs.

    >>> from course_utils import data, judging
    >>> classifier = judging.digit_classifier()
    >>> judging.judge_generator(data.load("dcgan_generator"), classifier)["confident"]   # doctest: +ELLIPSIS
    0.77...
"""
from __future__ import annotations

import numpy as np

NOISE_DIM = 64  # the course's generators (notebook 07) read 64 noise numbers


def digit_classifier():
    """The course's trained CNN for MNIST digits, notebook 03's ``course_cnn`` (``data/checkpoints/digit_cnn.keras``),
    verified by its sha256, loaded with ``safe_mode=True`` and compiled for ``evaluate``.
    Inputs: floats in [0, 1], shape (N, 28, 28, 1).

    >>> from course_utils import data
    >>> (_, _), (x_test, y_test) = data.load("mnist_5k")
    >>> classifier = digit_classifier()
    >>> classifier.predict(data.as_input(x_test[:8]), verbose=0).argmax(axis=1).tolist(), y_test[:8].tolist()
    ([6, 7, 0, 5, 4, 8, 1, 6], [6, 7, 0, 5, 4, 8, 1, 6])
    """
    from . import data

    model = data.load("digit_cnn")
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # for evaluate(); no optimizer state
    return model


def to_unit(images: np.ndarray) -> np.ndarray:
    """Generated images in [-1, 1] (a tanh output) -> [0, 1].

    >>> to_unit(np.array([-1.0, 0.0, 1.0]))
    array([0. , 0.5, 1. ])
    """
    return np.clip((np.asarray(images) + 1.0) / 2.0, 0.0, 1.0)


def generate(generator, n: int, seed: int = 0, labels=None, noise_dim: int = NOISE_DIM) -> np.ndarray:
    """``n`` images in [0, 1] from ``generator``, with noise drawn from N(0, I) with ``seed`` (and, for a conditional
    generator, the digit ``labels``, one per image).

    >>> from course_utils import data
    >>> images = generate(data.load("dcgan_generator"), 16, seed=1)
    >>> sevens = generate(data.load("cgan_generator"), 8, labels=[7] * 8)
    >>> images.shape, sevens.shape, bool(0 <= images.min() <= images.max() <= 1)
    ((16, 28, 28, 1), (8, 28, 28, 1), True)
    """
    noise = np.random.default_rng(seed).normal(size=(n, noise_dim)).astype("float32")
    inputs = noise if labels is None else [noise, np.asarray(labels, dtype="int32").reshape(-1, 1)]
    return to_unit(generator.predict(inputs, batch_size=256, verbose=0))


def judge(probabilities: np.ndarray, threshold: float = 0.9) -> dict:
    """What a classifier says about generated digits, from its softmax outputs (N, classes):

    ``confident``: the share of samples whose top class has probability >= ``threshold``;
    ``shares``: the share of samples given to each class (the mode coverage);
    ``smallest_share``: the rarest class's share.

    >>> judge(np.array([[0.95, 0.05], [0.2, 0.8]]))["confident"]
    0.5
    """
    probabilities = np.asarray(probabilities)
    counts = np.bincount(probabilities.argmax(axis=1), minlength=probabilities.shape[1])
    shares = counts / len(probabilities)
    return {"confident": float((probabilities.max(axis=1) >= threshold).mean()),
            "shares": shares, "smallest_share": float(shares.min())}


def judge_generator(generator, classifier, n: int = 1000, seed: int = 0, conditional: bool = False) -> dict:
    """``judge`` of ``n`` samples (noise ``seed``) classified by ``classifier``; a conditional generator is asked
    for the digits 0, 1, ..., 9 in turn and the verdict adds ``as_asked``, the share drawn as the digit asked for.

    >>> from course_utils import data
    >>> judge_generator(data.load("cgan_generator"), digit_classifier(), conditional=True)["as_asked"]
    0.99
    """
    labels = np.arange(n) % 10 if conditional else None
    probabilities = classifier.predict(generate(generator, n, seed=seed, labels=labels), verbose=0)
    verdict = judge(probabilities)
    if conditional:
        verdict["as_asked"] = float((probabilities.argmax(axis=1) == labels).mean())
    return verdict
