"""Notebook 15's exercises, as tests/test_exercises.py tests the others: wrong answers get specific advice, the
notebook's solutions pass. (About 10 s on 2 cores: q2's check runs TensorFlow's NMS, q3's trains a small detector.)"""
import re

import keras
import numpy as np
import pytest
from keras import layers

from course_utils import by_hand
from course_utils.exercises import nb15
from course_utils.exercises.solutions import SOLUTIONS

pytestmark = pytest.mark.concerns("15_detection")


def _iou(clip=True, subtract=True, plus_one=0, only_a=False):
    def box_iou(a, b):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        w = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]) + plus_one
        h = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]) + plus_one
        inter = np.clip(w, 0, None) * np.clip(h, 0, None) if clip else w * h
        area = lambda x: (x[:, 2] - x[:, 0] + plus_one) * (x[:, 3] - x[:, 1] + plus_one)  # noqa: E731
        if only_a:
            return inter / area(a)[:, None]
        return inter / (area(a)[:, None] + area(b)[None, :] - (inter if subtract else 0))
    return box_iou


def _nms(order="score", against="kept", strict=True):
    def nms(boxes, scores, iou_threshold):
        ranked = np.argsort(-np.asarray(scores), kind="stable")
        kept, seen = [], []
        for i in ranked:
            others = kept if against == "kept" else seen
            over = [_iou()(boxes[[i]], boxes[[k]])[0, 0] for k in others]
            if all((o <= iou_threshold) if strict else (o < iou_threshold) for o in over):
                kept.append(int(i))
            seen.append(int(i))
        return np.array(sorted(kept) if order == "index" else kept)
    return nms


def _detector(activation="relu", last=None, pools=3, head=5):
    def tiny_detector(n_classes, filters):
        body = [keras.Input((32, 32, 1))]
        for k, f in enumerate([filters, 2 * filters, 2 * filters]):
            body.append(layers.Conv2D(f, 3, padding="same", activation=activation))
            if k < pools:
                body.append(layers.MaxPooling2D(2))
        return keras.Sequential(body + [layers.Conv2D(head + n_classes, 1, activation=last)])
    return tiny_detector


WRONG = [
    (nb15.q1, (_iou(subtract=False),), "subtract it once"),
    (nb15.q1, (_iou(only_a=True),), "the first box's area only"),
    (nb15.q1, (_iou(clip=False),), "does not clip the overlap at zero"),
    (nb15.q1, (_iou(plus_one=1),), "adds 1 to widths and heights"),
    (nb15.q1, (lambda a, b: _iou()(b, a),), "return a (3, 5) array"),
    (nb15.q2, (_nms(order="index"),), "in another order"),
    (nb15.q2, (_nms(against="all"),), "a chain"),
    (nb15.q2, (_nms(strict=False),), "an IoU of exactly the threshold"),
    (nb15.q3, (_detector(activation=None),), 'activation="relu"'),
    (nb15.q3, (_detector(last="sigmoid"),), "the loss applies the sigmoids"),
    (nb15.q3, (_detector(pools=2),), "the first difference is layer 6"),
    (nb15.q3, (_detector(head=4),), "should output (None, 4, 4, 15)"),
]


@pytest.mark.parametrize("exercise, answer, advice", WRONG)
def test_wrong_answers_get_specific_advice(exercise, answer, advice, capsys):
    exercise.check(*answer)
    out = capsys.readouterr().out
    assert exercise.passed is False and out.startswith("Not quite") and advice in out, out


def _solution(name):
    """The notebook's own solution for ``name``, run as its cell runs."""
    namespace = {"keras": keras, "layers": layers, "np": np, "by_hand": by_hand}
    exec(SOLUTIONS["15"][name], namespace)
    return namespace


def test_the_notebooks_solutions_pass(capsys):
    nb15.q1.check(_solution("q1")["box_iou"])
    nb15.q2.check(_solution("q2")["nms"])
    nb15.q3.check(_solution("q3")["tiny_detector"])
    out = capsys.readouterr().out
    assert out.count("Correct!") == 3, out


def test_the_course_versions_do_not_pass(capsys):
    for exercise, reference in [(nb15.q1, by_hand.box_iou), (nb15.q2, by_hand.non_max_suppression)]:
        exercise.check(reference)
        assert exercise.passed is False and "course's own version" in capsys.readouterr().out


def test_average_precision_is_the_area_under_the_precision_recall_steps():
    """Worked by hand: 4 true boxes; detections best first are hit, miss, hit, hit, miss. Precision at the hits is
    1, 2/3 and 3/4; one true box is never found: AP = (1 + 2/3 + 3/4) / 4."""
    from course_utils.lessons.detection import average_precision

    hits = np.array([True, False, True, True, False])
    assert np.isclose(average_precision(hits, 4), (1 + 2 / 3 + 3 / 4) / 4)
    assert np.isnan(average_precision(np.zeros(0, bool), 0))


def test_matching_claims_each_true_box_once_and_only_for_its_class():
    from course_utils.lessons.detection import matched, mean_average_precision

    truths = [np.array([[0, 0, 10, 10, 3], [20, 20, 30, 30, 5]])]
    detections = [np.array([[0, 0, 10, 10, 0.9, 3], [1, 0, 11, 10, 0.8, 3],      # a duplicate: the second misses
                            [20, 20, 30, 30, 0.7, 4], [40, 40, 45, 45, 0.6, 5]])]  # right place, wrong class; nothing there
    scores, hits, n_true = matched(detections, truths, 3)
    assert scores.tolist() == [0.9, 0.8] and hits.tolist() == [True, False] and n_true == 1
    mean_ap, per_class = mean_average_precision(detections, truths)
    assert per_class[3] == 1.0 and per_class[5] == 0.0 and np.isnan(per_class[4])  # no true 4: no AP
    assert np.isclose(mean_ap, np.nanmean(per_class)) and np.isnan(per_class[0])


def test_the_exercises_are_q1_to_q3():
    assert sorted(n for n in vars(nb15) if re.fullmatch(r"q\d+", n)) == ["q1", "q2", "q3"] == sorted(SOLUTIONS["15"])
