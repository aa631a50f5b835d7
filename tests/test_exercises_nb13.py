"""Notebook 13's exercises, as tests/test_exercises.py tests the others: wrong answers get specific advice, unanswered
ones say so, nothing raises, the notebook's solutions pass. (About 10 s on 2 cores:
q2's check builds and trains a small CNN for each answer.)"""
import re

import pytest
from keras import layers

from course_utils.exercises import nb13
from course_utils.exercises.solutions import SOLUTIONS

pytestmark = pytest.mark.concerns("13_cifar10")


def _standardise(axis=(0, 1, 2), source="train", divide=True, keepdims=False):
    def standardise_channels(train, images):
        stats = (train if source == "train" else images).astype(float)
        mean = stats.mean(axis=axis, keepdims=keepdims)
        std = stats.std(axis=axis, keepdims=keepdims)
        return (images - mean) / std if divide else images - mean
    return standardise_channels


def _cifar_cnn(padding="same", batch_norm=True, last=None, filters=(32, 64), activation="relu"):
    def cifar_cnn(n_classes=10):
        import keras

        body = []
        for f in filters:
            body += [layers.Conv2D(f, 3, padding=padding, activation=activation),
                     *([layers.BatchNormalization()] if batch_norm else []), layers.MaxPooling2D(2)]
        return keras.Sequential([keras.Input((32, 32, 3)), *body, layers.Flatten(), layers.Dense(n_classes, activation=last)])
    return cifar_cnn


def _bn_first(n_classes=10):
    import keras

    return keras.Sequential([keras.Input((32, 32, 3)), layers.BatchNormalization(), layers.Conv2D(32, 3, padding="same", activation="relu"),
                             layers.MaxPooling2D(2), layers.BatchNormalization(), layers.Conv2D(64, 3, padding="same", activation="relu"),
                             layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(n_classes)])


WRONG = [
    (nb13.q1, (_standardise(axis=None),), "one mean and one std for all three channels"),
    (nb13.q1, (_standardise(axis=(1, 2), source="images", keepdims=True),), "statistics of each image on its own"),
    (nb13.q1, (_standardise(source="images"),), "take them from `train`"),
    (nb13.q1, (_standardise(divide=False),), "now divide by the standard deviation"),
    (nb13.q1, (lambda train, images: images[:2] / 255,), "shape (4, 6, 5, 3)"),
    (nb13.q1, (lambda train, images: images / 255,), "one mean and one std per colour channel, both computed from `train`"),
    (nb13.q2, (_cifar_cnn(padding="valid"),), 'padding="same"'),
    (nb13.q2, (_cifar_cnn(batch_norm=False),), "BatchNormalization"),
    (nb13.q2, (_cifar_cnn(last="softmax"),), "from_logits=True"),
    (nb13.q2, (_cifar_cnn(activation=None),), 'activation="relu"'),
    (nb13.q2, (_cifar_cnn(filters=(16, 32)),), "layer 1 (Conv2D) should output (None, 32, 32, 32)"),
    (nb13.q2, (lambda n_classes=10: _cifar_cnn()(10),), "should output (None, 4)"),
    (nb13.q2, (_bn_first,), "first difference is layer 1"),
]


@pytest.mark.parametrize("exercise, answer, advice", WRONG)
def test_wrong_answers_get_specific_advice(exercise, answer, advice, capsys):
    exercise.check(*answer)
    out = capsys.readouterr().out
    assert exercise.passed is False and out.startswith("Not quite") and advice in out, out


def _solution(name):
    """The notebook's own solution for ``name``, run as its cell runs."""
    import keras
    import numpy as np

    namespace = {"keras": keras, "layers": layers, "np": np}
    exec(SOLUTIONS["13"][name], namespace)
    return namespace


def test_the_notebooks_solutions_pass(capsys):
    nb13.q1.check(_solution("q1")["standardise_channels"])
    nb13.q2.check(_solution("q2")["cifar_cnn"])
    out = capsys.readouterr().out
    assert nb13.q1.passed is True and nb13.q2.passed is True and out.count("Correct!") == 2, out


def test_the_course_lessons_do_not_pass(capsys):
    from course_utils import by_hand
    from course_utils.lessons import cifar10

    for exercise, reference in [(nb13.q1, by_hand.output_size), (nb13.q2, cifar10.e12_network)]:
        exercise.check(reference)
        assert exercise.passed is False and "course's own version" in capsys.readouterr().out


def test_the_exercises_are_q1_and_q2():
    assert sorted(n for n in vars(nb13) if re.fullmatch(r"q\d+", n)) == ["q1", "q2"] == sorted(SOLUTIONS["13"])
