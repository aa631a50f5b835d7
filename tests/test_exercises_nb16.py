"""Notebook 16's exercises, as tests/test_exercises.py tests the others: wrong answers get specific advice, the
notebook's solutions pass. (About 10 s on 2 cores: q3's check trains a small critic twice.)"""
import re

import keras
import numpy as np
import pytest
from keras import layers

from course_utils import by_hand
from course_utils.exercises import nb16
from course_utils.exercises.solutions import SOLUTIONS

pytestmark = pytest.mark.concerns("16_cyclegan")


def _nearest(distance="squares", pick=np.argmin, indices=False):
    def nearest_translation(images, targets):
        x, t = np.reshape(images, (len(images), 1, -1)), np.reshape(targets, (1, len(targets), -1))
        if distance == "dot":
            chosen = np.argmax(x[:, 0] @ t[0].T, axis=1)
        else:
            gap = np.abs(x - t) if distance == "absolute" else (x - t) ** 2
            chosen = pick(gap.sum(axis=-1), axis=1)
        return chosen if indices else np.asarray(targets)[chosen]
    return nearest_translation


def _losses(half=True, swapped=False, pooled=False, translator="squares"):
    def lsgan_losses(real_scores, fake_scores):
        real, fake = np.asarray(real_scores, float), np.asarray(fake_scores, float)
        if swapped:
            real, fake = fake, real
        if pooled:
            critic = np.mean(np.concatenate([((real - 1) ** 2).ravel(), (fake ** 2).ravel()]))
        else:
            critic = (np.mean((real - 1) ** 2) + np.mean(fake ** 2)) * (0.5 if half else 1.0)
        fake = np.asarray(fake_scores, float)
        generator = {"squares": np.mean((fake - 1) ** 2), "minimax": -critic, "zero": np.mean(fake ** 2),
                     "halved": 0.5 * np.mean((fake - 1) ** 2)}[translator]
        return float(critic), float(generator)
    return lsgan_losses


def _critic(slope=0.2, strides=(2, 2, 2), last=None, activation=None, extra=False):
    def whole_image_critic(filters):
        body = [keras.Input((28, 28, 1))]
        for f, s in zip((filters, 2 * filters, 4 * filters), strides):
            body += [layers.Conv2D(f, 4, strides=s, padding="same", activation=activation), layers.LeakyReLU(slope)]
        if extra:
            body.append(layers.Flatten())
        return keras.Sequential(body + [layers.Conv2D(1, 3, padding="same", activation=last)] if not extra
                                else body + [layers.Dense(1)])
    return whole_image_critic


WRONG = [
    (nb16.q1, (_nearest(indices=True),), "return the target images themselves"),
    (nb16.q1, (_nearest(distance="dot"),), "forgets |t|^2"),
    (nb16.q1, (_nearest(pick=np.argmax),), "picks the farthest target"),
    (nb16.q1, (_nearest(distance="absolute"),), "absolute differences (L1)"),
    (nb16.q1, (lambda images, targets: np.asarray(targets)[:len(images)],), "for each image, compute"),
    (nb16.q2, (_losses(half=False),), "is not halved"),
    (nb16.q2, (_losses(swapped=True),), "the other way round"),
    (nb16.q2, (_losses(pooled=True),), "averages the real and the fake terms together"),
    (nb16.q2, (_losses(translator="minimax"),), "the minimax form"),
    (nb16.q2, (_losses(translator="zero"),), "pulls the fake scores to 0"),
    (nb16.q2, (_losses(translator="halved"),), "only the critic's loss is"),
    (nb16.q2, (lambda real_scores, fake_scores: 0.5,), "return a pair"),
    (nb16.q3, (_critic(slope=0.3),), "negative slope of 0.2"),
    (nb16.q3, (_critic(strides=(2, 2, 1)),), "layer 5"),
    (nb16.q3, (_critic(activation="relu"),), "no activation of their own"),
    (nb16.q3, (_critic(last="sigmoid"),), "no activation of their own"),
    (nb16.q3, (_critic(extra=True),), "Flatten"),
]


@pytest.mark.parametrize("exercise, answer, advice", WRONG)
def test_wrong_answers_get_specific_advice(exercise, answer, advice, capsys):
    exercise.check(*answer)
    out = capsys.readouterr().out
    assert exercise.passed is False and out.startswith("Not quite") and advice in out, out


def _solution(name):
    """The notebook's own solution for ``name``, run as its cell runs."""
    namespace = {"keras": keras, "layers": layers, "np": np, "by_hand": by_hand}
    exec(SOLUTIONS["16"][name], namespace)
    return namespace


def test_the_notebooks_solutions_pass(capsys):
    nb16.q1.check(_solution("q1")["nearest_translation"])
    nb16.q2.check(_solution("q2")["lsgan_losses"])
    nb16.q3.check(_solution("q3")["whole_image_critic"])
    out = capsys.readouterr().out
    assert out.count("Correct!") == 3, out


def test_the_course_versions_do_not_pass(capsys):
    for exercise, reference in [(nb16.q1, by_hand.nearest_translation), (nb16.q2, by_hand.least_squares_gan_losses)]:
        exercise.check(reference)
        assert exercise.passed is False and "course's own version" in capsys.readouterr().out


def test_the_probe_tells_squares_from_absolute_differences_and_from_the_bare_product():
    """q1's probe must make the three common mistakes pick other targets, or a wrong answer would pass."""
    for seed in range(10):
        images, targets = nb16.translation_probe(seed)
        right = _nearest()(images, targets)
        assert not np.allclose(_nearest(distance="absolute")(images, targets), right)
        assert not np.allclose(_nearest(distance="dot")(images, targets), right)


def test_the_exercises_are_q1_to_q3():
    assert sorted(n for n in vars(nb16) if re.fullmatch(r"q\d+", n)) == ["q1", "q2", "q3"] == sorted(SOLUTIONS["16"])
