"""The course's trained digit classifier.

    >>> from course_utils import models
    >>> classifier = models.digit_classifier()      # doctest: +SKIP
"""
from __future__ import annotations


def digit_classifier():
    """The course's trained CNN for MNIST digits, notebook 03's ``course_cnn`` (``data/checkpoints/digit_cnn.keras``),
    verified by its sha256, loaded with ``safe_mode=True`` and compiled for ``evaluate``.
    Inputs: floats in [0, 1], shape (N, 28, 28, 1).

    >>> classifier = digit_classifier()             # doctest: +SKIP
    >>> classifier.predict(images[..., None] / 255).argmax(axis=1)   # doctest: +SKIP
    """
    from . import data

    model = data.load("digit_cnn")
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # for evaluate(); no optimizer state
    return model
