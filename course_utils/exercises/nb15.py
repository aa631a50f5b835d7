"""Exercises of notebook 15 (object detection).

    >>> import numpy as np
    >>> from course_utils.exercises import nb15
    >>> nb15.q2.check(lambda boxes, scores, iou_threshold: np.argsort(-np.asarray(scores)))
    Not quite (q2): ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise, keras_checks

# --- q1: box_iou(a, b) ----------------------------------------------------------------------------------------


def _pixel_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of integer boxes by counting the pixels they cover: an independent reference."""
    out = np.zeros((len(a), len(b)))
    for i, p in enumerate(a):
        for j, q in enumerate(b):
            first, second = np.zeros((40, 40), bool), np.zeros((40, 40), bool)
            first[p[1]:p[3], p[0]:p[2]], second[q[1]:q[3], q[0]:q[2]] = True, True
            out[i, j] = (first & second).sum() / (first | second).sum()
    return out


def _overlap_parts(a: np.ndarray, b: np.ndarray, clip: bool = True, plus_one: int = 0):
    w = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]) + plus_one
    h = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]) + plus_one
    inter = np.clip(w, 0, None) * np.clip(h, 0, None) if clip else w * h
    area = lambda x: (x[:, 2] - x[:, 0] + plus_one) * (x[:, 3] - x[:, 1] + plus_one)  # noqa: E731
    return inter, area(a)[:, None], area(b)[None, :]


def _check_box_iou(func) -> str:
    assert callable(func), "`box_iou` should be a function of two arrays of boxes, (n, 4) and (m, 4)."
    a = np.array([[10, 10, 30, 40], [0, 0, 8, 8], [5, 20, 25, 30]])
    b = np.array([[15, 10, 35, 40], [20, 25, 40, 39], [12, 12, 14, 14], [30, 0, 39, 9], [8, 0, 16, 8]])  # far, touching
    got = np.asarray(func(a, b), dtype=float)
    want = _pixel_iou(a, b)
    assert got.shape == want.shape, f"for 3 boxes against 5 return a (3, 5) array, one IoU per pair; yours has shape {got.shape}."
    inter, area_a, area_b = _overlap_parts(a.astype(float), b.astype(float))
    raw, _, _ = _overlap_parts(a.astype(float), b.astype(float), clip=False)
    inclusive, ia, ib = _overlap_parts(a.astype(float), b.astype(float), plus_one=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mistakes = [
            (inter / (area_a + area_b), "divides by the two areas added up: the shared area is in both, so subtract it "
                                        "once: |A| + |B| - |A and B|."),
            (inter / area_a, "divides by the first box's area only: that is how much of A is covered, not the IoU."),
            (raw / (area_a + area_b - raw), "does not clip the overlap at zero: for two boxes apart in both x and y, "
                                            "two negative sides multiply to a positive 'shared area'. Use "
                                            "np.clip(..., 0, None) on the width and the height."),
            (np.clip(inclusive, 0, None) / (ia + ib - np.clip(inclusive, 0, None)),
             "adds 1 to widths and heights, as for boxes whose x1 is the last pixel; here x1 is one past it, so the "
             "width is x1 - x0."),
        ]
    if not np.allclose(got, want, atol=1e-6):
        for wrong, advice in mistakes:
            if np.allclose(got, np.nan_to_num(wrong), atol=1e-6):
                raise AssertionError(f"Your answer {advice}")
        raise AssertionError("for each pair: the overlap's width and height (clipped at 0) multiplied, over the sum of the "
                             "two areas minus that overlap. Try two 2 x 2 boxes shifted by one pixel: IoU 2 / 6.")
    one = np.asarray(func(a[:1], a[:1]), dtype=float)
    assert one.shape == (1, 1) and np.isclose(one[0, 0], 1), "a box against itself should give a (1, 1) array holding 1."
    return "the same IoUs as counting the pixels two boxes share, 0 for boxes apart or only touching."


q1 = Exercise(
    "15", "q1",
    _check_box_iou,
    hint=("With a[:, None, 0] (shape (n, 1)) against b[None, :, 0] (shape (1, m)) every pair meets: the overlap runs "
          "from the larger x0 to the smaller x1 (np.maximum, np.minimum); clip its width and height at 0, multiply, "
          "and divide by area_a + area_b - overlap."),
)


# --- q2: nms(boxes, scores, iou_threshold) --------------------------------------------------------------------

NMS_CASES = [  # (boxes, scores, threshold, what)
    (np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [21, 20, 31, 30]]), np.array([0.9, 0.8, 0.7, 0.95]), 0.5,
     "two pairs of overlapping boxes"),
    (np.array([[0, 0, 10, 10], [4, 0, 14, 10], [8, 0, 18, 10]]), np.array([0.9, 0.8, 0.7]), 0.4,
     "a chain: B overlaps A, C overlaps B but not A (C stays: B was dropped)"),
    (np.array([[0, 0, 4, 4], [0, 0, 4, 2], [30, 30, 34, 34]]), np.array([0.3, 0.2, 0.6]), 0.5,
     "an IoU of exactly the threshold (0.5): kept, only what is above it goes"),
    (np.array([[5, 5, 9, 9]]), np.array([0.4]), 0.5, "a single box"),
]


def _tf_nms(boxes: np.ndarray, scores: np.ndarray, threshold: float) -> list[int]:
    import tensorflow as tf

    kept = tf.image.non_max_suppression(boxes[:, [1, 0, 3, 2]].astype("float32"), scores.astype("float32"),
                                        max_output_size=len(boxes), iou_threshold=threshold)
    return kept.numpy().tolist()


def _check_nms(func) -> str:
    assert callable(func), "`nms` should be a function of (boxes, scores, iou_threshold)."
    rng = np.random.default_rng(15)
    corner = rng.integers(0, 20, (14, 2))
    random_boxes = np.concatenate([corner, corner + rng.integers(4, 12, (14, 2))], axis=1)
    cases = NMS_CASES + [(random_boxes, rng.permutation(14) / 14 + 0.01, 0.3, "14 random boxes")]
    for boxes, scores, threshold, what in cases:
        got = [int(i) for i in np.asarray(func(boxes.copy(), scores.copy(), threshold)).ravel()]
        want = _tf_nms(boxes, scores, threshold)
        if got == want:
            continue
        if sorted(got) == sorted(want):
            raise AssertionError(f"for {what} you keep the right boxes, {sorted(want)}, but give them in another order: "
                                 f"best score first, as tf.image.non_max_suppression does ({want}).")
        raise AssertionError(f"for {what} (threshold {threshold}) tf.image.non_max_suppression keeps {want}, yours keeps "
                             f"{got}. Go through the boxes best score first; keep one unless its IoU with a box already "
                             "kept is above the threshold.")
    return "the same boxes as tf.image.non_max_suppression, in the same order, chains and ties at the threshold included."


q2 = Exercise(
    "15", "q2",
    _check_nms,
    hint=("order = np.argsort(-scores) gives the boxes best first. Keep a list `kept`; for each index in that order, "
          "keep it when box_iou with every kept box is at most the threshold. Return np.array(kept)."),
)


# --- q3: tiny_detector(n_classes, filters) ----------------------------------------------------------------------

def tiny_detector_layers(n_classes: int, filters: int) -> list[tuple[str, tuple, int]]:
    """The layers q3 asks for: (class name, output shape, parameters) each."""
    f = filters
    return [("Conv2D", (None, 32, 32, f), 9 * f + f), ("MaxPooling2D", (None, 16, 16, f), 0),
            ("Conv2D", (None, 16, 16, 2 * f), 9 * f * 2 * f + 2 * f), ("MaxPooling2D", (None, 8, 8, 2 * f), 0),
            ("Conv2D", (None, 8, 8, 2 * f), 9 * 4 * f * f + 2 * f), ("MaxPooling2D", (None, 4, 4, 2 * f), 0),
            ("Conv2D", (None, 4, 4, 5 + n_classes), 2 * f * (5 + n_classes) + 5 + n_classes)]


def small_detection_scenes(n: int, n_classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` scenes of 32 x 32 holding one or two bright rectangles whose brightness says their class, and their
    targets for a 4 x 4 grid (``encode_boxes``): for a detector's loss to fall on."""
    from course_utils import scenes
    from course_utils.lessons.detection import encode_boxes

    rng = np.random.default_rng(seed)
    labels = rng.integers(0, n_classes, 40)
    items = np.zeros((40, 12, 12), "float32")
    for item, label in zip(items, labels):
        h, w = (int(v) for v in rng.integers(5, 12, 2))
        item[:h, :w] = 0.55 + 0.45 * (label + 1) / n_classes
    made = scenes.compose(items, labels, n, size=32, per_scene=(1, 2), seed=seed)
    targets = np.stack([encode_boxes(boxes, size=32, grid=4)[0] for boxes in made.boxes])
    return made.images[..., None], targets


def _check_tiny_detector(build) -> str:
    import keras

    from course_utils.lessons.detection import detection_loss

    assert callable(build), "`tiny_detector` should be a function of (n_classes, filters) that returns the model."
    for n_classes, filters in ((10, 8), (3, 4)):
        model = build(n_classes, filters)
        keras_checks.assert_model(model, f"`tiny_detector({n_classes}, {filters})`")
        keras_checks.assert_layers(model, tiny_detector_layers(n_classes, filters))
        convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
        assert all(getattr(c.activation, "__name__", "") == "relu" for c in convs[:-1]), (
            'give the three 3 x 3 convolutions activation="relu".')
        keras_checks.assert_last_activation(
            model, "linear", "the last 1 x 1 convolution gives raw numbers per cell: the loss applies the sigmoids "
                             "and the softmax itself.")
    x, y = small_detection_scenes(16, 3, seed=15)
    keras_checks.loss_falls(lambda: build(3, 4), x, y, learning_rate=1e-2, loss=detection_loss)
    return ("layers, shapes and parameters as asked, and detection_loss falls as it trains: a 4 x 4 grid of "
            "8 numbers per cell for 3 classes.")


q3 = Exercise(
    "15", "q3",
    _check_tiny_detector,
    hint=("keras.Sequential: keras.Input((32, 32, 1)), then three times a 3 x 3 Conv2D with padding=\"same\" and "
          "ReLU followed by MaxPooling2D(2) (filters, then twice as many, twice), and last a 1 x 1 Conv2D with "
          "5 + n_classes filters and no activation."),
)
