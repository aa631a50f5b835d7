"""Notebook 14's exercises, as tests/test_exercises.py tests the others: wrong answers get specific advice, the
notebook's solutions pass. (About 10 s on 2 cores: q3's check builds two small U-Nets per answer and trains one.)"""
import re

import keras
import numpy as np
import pytest
from keras import layers

from course_utils.exercises import nb14
from course_utils.exercises.solutions import SOLUTIONS

pytestmark = pytest.mark.concerns("14_segmentation")


def _iou(divide_by="union", absent=np.nan, flatten=True):
    def iou_per_class(true, predicted, n_classes):
        t, p = (np.ravel(true), np.ravel(predicted)) if flatten else (np.asarray(true)[0], np.asarray(predicted)[0])
        out = []
        for c in range(n_classes):
            hit, in_true, in_pred = np.sum((t == c) & (p == c)), np.sum(t == c), np.sum(p == c)
            bottom = {"union": in_true + in_pred - hit, "true": in_true, "predicted": in_pred, "both": in_true + in_pred,
                      "dice": (in_true + in_pred) / 2}[divide_by]
            with np.errstate(invalid="ignore", divide="ignore"):
                out.append(hit / bottom if in_true + in_pred else absent)
        return np.array(out, dtype=float)
    return iou_per_class


def _field(stride_first=False, dilation=True, step=True):
    def receptive_field(stack):
        r, j = 1, 1
        for k, s, d in stack:
            if stride_first:
                j *= s
            r += (k - 1) * (d if dilation else 1) * (j if step else 1)
            if not stride_first:
                j *= s
        return r
    return receptive_field


def _unet(dilation=2, skip="first", last=None, transposed=True, filters_up=None):
    def tiny_unet(n_classes, filters):
        inputs = keras.Input((32, 32, 1))
        first = layers.Conv2D(filters, 3, padding="same", activation="relu")(inputs)
        x = layers.MaxPooling2D(2)(first)
        x = layers.Conv2D(2 * filters, 3, padding="same", dilation_rate=dilation, activation="relu")(x)
        x = (layers.Conv2DTranspose(filters_up or filters, 2, strides=2)(x) if transposed
             else layers.UpSampling2D(2)(x))
        x = layers.Concatenate()([x, first if skip == "first" else x])
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        return keras.Model(inputs, layers.Conv2D(n_classes, 1, activation=last)(x))
    return tiny_unet


WRONG = [
    (nb14.q1, (_iou(absent=0.0),), "give np.nan there, not 0"),
    (nb14.q1, (_iou("true"),), "that is recall"),
    (nb14.q1, (_iou("predicted"),), "that is precision"),
    (nb14.q1, (_iou("dice"),), "Dice coefficient"),
    (nb14.q1, (_iou("both"),), "counting the overlap twice"),
    (nb14.q1, (_iou(flatten=False),), "Compare with that on a tiny example"),
    (nb14.q1, (lambda true, predicted, n: np.ones(n - 1),), "return 5 IoUs"),
    (nb14.q2, (_field(step=False),), "Keep that step j"),
    (nb14.q2, (_field(dilation=False),), "widens the field by (k - 1) * d * j"),
    (nb14.q2, (_field(stride_first=True),), "multiply it by the stride only after"),
    (nb14.q2, (lambda stack: 70,), "for no layer ([]) the receptive field is 1"),
    (nb14.q3, (_unet(dilation=1),), "dilation_rate=2"),
    (nb14.q3, (_unet(skip="self"),), "the *first* Conv2D's output"),
    (nb14.q3, (_unet(last="softmax"),), "from_logits=True"),
    (nb14.q3, (_unet(transposed=False),), "the first difference is layer 4"),
    (nb14.q3, (_unet(filters_up=3),), "layer 4 (Conv2DTranspose) should output (None, 32, 32, 8)"),
]


@pytest.mark.parametrize("exercise, answer, advice", WRONG)
def test_wrong_answers_get_specific_advice(exercise, answer, advice, capsys):
    exercise.check(*answer)
    out = capsys.readouterr().out
    assert exercise.passed is False and out.startswith("Not quite") and advice in out, out


def _solution(name):
    """The notebook's own solution for ``name``, run as its cell runs."""
    namespace = {"keras": keras, "layers": layers, "np": np}
    exec(SOLUTIONS["14"][name], namespace)
    return namespace


def test_the_notebooks_solutions_pass(capsys):
    nb14.q1.check(_solution("q1")["iou_per_class"])
    nb14.q2.check(_solution("q2")["receptive_field"])
    nb14.q3.check(_solution("q3")["tiny_unet"])
    out = capsys.readouterr().out
    assert out.count("Correct!") == 3, out


def test_the_course_lessons_do_not_pass(capsys):
    from course_utils.lessons import segmentation

    nb14.q3.check(segmentation.segmenter)
    assert nb14.q3.passed is False and "course's own version" in capsys.readouterr().out


def test_the_solutions_iou_is_keras_iou_on_real_scene_masks():
    from course_utils import data, scenes

    (_, _), (x_test, y_test) = data.load("mnist")
    made = scenes.compose(x_test[:60], y_test[:60], 20, seed=3)
    shifted = np.roll(made.masks, 1, axis=2)  # the truth one pixel to the right: a prediction with errors at the edges
    got = _solution("q1")["iou_per_class"](made.masks, shifted, 11)
    for c in range(11):
        metric = keras.metrics.IoU(num_classes=11, target_class_ids=[c])
        metric.update_state(made.masks.ravel(), shifted.ravel())
        assert np.isclose(got[c], float(metric.result())) or (np.isnan(got[c]) and not (made.masks == c).any())


def test_the_exercises_are_q1_to_q3():
    assert sorted(n for n in vars(nb14) if re.fullmatch(r"q\d+", n)) == ["q1", "q2", "q3"] == sorted(SOLUTIONS["14"])
