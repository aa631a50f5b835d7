"""Exercises of notebook 14 (semantic segmentation).

    >>> import numpy as np
    >>> from course_utils.exercises import nb14
    >>> def iou(true, predicted, n):
    ...     t, p = np.ravel(true), np.ravel(predicted)
    ...     return np.array([np.sum((t == c) & (p == c)) / np.sum((t == c) | (p == c)) if np.any((t == c) | (p == c))
    ...                      else np.nan for c in range(n)])
    >>> nb14.q1.check(iou)
    Correct! ...
    >>> nb14.q1.check(lambda true, predicted, n: np.array([np.mean(np.ravel(true) == c) for c in range(n)]))
    Not quite (q1): ...
"""
from __future__ import annotations

import math

import numpy as np

from . import Exercise, keras_checks


# --- q1: iou_per_class(true, predicted, n_classes) ------------------------------------------------------------

def _counts(true: np.ndarray, predicted: np.ndarray, n_classes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t, p = np.ravel(true), np.ravel(predicted)
    hit = np.array([np.sum((t == c) & (p == c)) for c in range(n_classes)], dtype=float)
    return hit, np.array([np.sum(t == c) for c in range(n_classes)], float), np.array([np.sum(p == c) for c in range(n_classes)], float)


def _divided(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)


def _masks(rng: np.random.Generator, shape: tuple, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    true = rng.integers(0, n_classes, shape)
    predicted = np.where(rng.random(shape) < 0.6, true, rng.integers(0, n_classes, shape))
    return true, predicted


def _check_iou(func) -> str:
    import keras

    assert callable(func), "`iou_per_class` should be a function of (true, predicted, n_classes)."
    rng = np.random.default_rng(14)
    true, predicted = _masks(rng, (3, 6, 7), 4)
    predicted[predicted == 2] = 1                  # class 2 is never predicted: its IoU is 0
    true[true == 3], predicted[predicted == 3] = 0, 0  # class 3 occurs nowhere: no IoU at all
    n_classes = 5                                    # and class 4 is not in either
    got = np.asarray(func(true, predicted, n_classes), dtype=float)
    assert got.shape == (n_classes,), f"for {n_classes} classes return {n_classes} IoUs, one per class; yours has shape {got.shape}."
    hit, in_true, in_predicted = _counts(true, predicted, n_classes)
    want = _divided(hit, in_true + in_predicted - hit)
    mistakes = [
        (_divided(hit, in_true), "divides by the pixels the truth gives the class only: that is recall. The union also "
                                 "counts the pixels predicted as the class but not truly it."),
        (_divided(hit, in_predicted), "divides by the pixels predicted as the class only: that is precision. The union "
                                      "also counts the class's pixels that were missed."),
        (_divided(2 * hit, in_true + in_predicted), "is 2 TP / (2 TP + FP + FN), the Dice coefficient (F1). The IoU "
                                                    "counts the overlap once: TP / (TP + FP + FN)."),
        (_divided(hit, in_true + in_predicted), "divides by all the pixels the truth or the prediction gives the class, "
                                                "counting the overlap twice: subtract it once, or count the union directly."),
    ]
    if not np.allclose(got, want, equal_nan=True):
        if np.allclose(np.nan_to_num(got), np.nan_to_num(want)) and not np.isnan(got).any():
            raise AssertionError("a class that occurs in neither array (class 3 and 4 here) has no IoU: 0 / 0 is no "
                                 "information, so give np.nan there, not 0 (np.nanmean then skips it).")
        for wrong, advice in mistakes:
            if np.allclose(got, wrong, equal_nan=True) or np.allclose(np.nan_to_num(got), np.nan_to_num(wrong)):
                raise AssertionError(f"Your answer {advice}")
        raise AssertionError("for each class c: the pixels where both arrays hold c, divided by those where either does; "
                             "np.nan where neither does. Compare with that on a tiny example.")
    for c in (0, 1, 2):
        metric = keras.metrics.IoU(num_classes=n_classes, target_class_ids=[c])
        metric.update_state(true.ravel(), predicted.ravel())
        assert math.isclose(got[c], float(metric.result()), abs_tol=1e-6), f"class {c}: keras.metrics.IoU gives a different value."
    flat = np.asarray(func(true.ravel(), predicted.ravel(), n_classes), dtype=float)
    assert np.allclose(flat, want, equal_nan=True), "the same labels as a flat array should give the same IoUs: ravel both."
    return ("the same IoUs as keras.metrics.IoU, and np.nan for a class that occurs nowhere, so that np.nanmean "
            "averages only the classes there are.")


q1 = Exercise(
    "14", "q1",
    _check_iou,
    hint=("Flatten both arrays. For each class c, (true == c) & (predicted == c) marks the intersection and "
          "(true == c) | (predicted == c) the union; np.sum counts them. Leave np.nan where the union is empty."),
)


# --- q2: receptive_field(stack) -------------------------------------------------------------------------------

def _field(stack: list) -> int:
    field, step = 1, 1
    for kernel, stride, dilation in stack:
        field += (kernel - 1) * dilation * step
        step *= stride
    return field


RF_CASES = [
    ([], "no layer"),
    ([(3, 1, 1), (3, 1, 1)], "two 3 x 3 convolutions"),
    ([(3, 1, 1), (2, 2, 1), (3, 1, 1), (2, 2, 1), (3, 1, 1), (2, 2, 1), (3, 1, 1), (3, 1, 2)], "the notebook's encoder"),
    ([(7, 2, 1), (3, 2, 1), (3, 1, 1)], "a 7 x 7 convolution of stride 2 and a 3 x 3 pooling of stride 2 first"),
    ([(3, 1, 2), (3, 1, 4), (3, 1, 8)], "three atrous convolutions, dilations 2, 4 and 8"),
    ([(5, 3, 1), (3, 1, 3)], "a 5 x 5 kernel of stride 3, then a 3 x 3 dilated by 3"),
]


def _check_receptive_field(func) -> str:
    assert callable(func), "`receptive_field` should be a function of a list of (kernel, stride, dilation) tuples."
    for stack, what in RF_CASES:
        got, want = func(list(stack)), _field(stack)
        if got == want:
            continue
        if stack and got == 1 + sum((k - 1) * d for k, s, d in stack):
            raise AssertionError(f"for {what} you give {got}, not {want}: after a layer of stride s, one step on its map "
                                 "spans s times as many input pixels, so later kernels reach further. Keep that step j.")
        if stack and got == _field([(k, s, 1) for k, s, d in stack]):
            raise AssertionError(f"for {what} you give {got}, not {want}: a dilation d spreads the kernel's taps d "
                                 "apart, so it widens the field by (k - 1) * d * j.")
        step, late = 1, 1
        for k, s, d in stack:
            step *= s
            late += (k - 1) * d * step
        if stack and got == late:
            raise AssertionError(f"for {what} you give {got}, not {want}: use the step of the layer's *input* map, "
                                 "and multiply it by the stride only after widening the field.")
        raise AssertionError(f"for {what} ({stack}) the receptive field is {want}, yours is {got}. Start from r = 1 and "
                             "j = 1; for each layer r += (k - 1) * d * j, then j *= s.")
    return "70 pixels for the notebook's encoder, and right for strides and dilations anywhere in a stack."


q2 = Exercise(
    "14", "q2",
    _check_receptive_field,
    hint=("Two running numbers: the field r and the step j, both 1 before the first layer. For each (k, s, d): first "
          "r = r + (k - 1) * d * j, then j = j * s. Return r."),
)


# --- q3: tiny_unet(n_classes, filters) -------------------------------------------------------------------------

def tiny_unet_layers(n_classes: int, filters: int) -> list[tuple[str, tuple, int]]:
    """The layers q3 asks for: (class name, output shape, parameters) each."""
    f = filters
    return [("Conv2D", (None, 32, 32, f), 9 * f + f), ("MaxPooling2D", (None, 16, 16, f), 0),
            ("Conv2D", (None, 16, 16, 2 * f), 9 * f * 2 * f + 2 * f),
            ("Conv2DTranspose", (None, 32, 32, f), 4 * 2 * f * f + f), ("Concatenate", (None, 32, 32, 2 * f), 0),
            ("Conv2D", (None, 32, 32, f), 9 * 2 * f * f + f), ("Conv2D", (None, 32, 32, n_classes), f * n_classes + n_classes)]


def small_scenes(n: int, n_classes: int, seed: int, side: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """``n`` dark scenes of ``side`` x ``side`` with two bright squares each, whose brightness says their class
    (1 .. n_classes - 1); the pixel classes are 0 outside them. For a U-Net's loss to fall on."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.05, (n, side, side, 1)).astype("float32")
    y = np.zeros((n, side, side), "int32")
    for i in range(n):
        for top, left in ((2, 2), (side // 2 + 1, side // 2 + 1)):
            c = int(rng.integers(1, n_classes))
            h, w = (int(v) for v in rng.integers(5, side // 2 - 2, 2))
            x[i, top:top + h, left:left + w, 0] += c / n_classes
            y[i, top:top + h, left:left + w] = c
    return x, y


def _skip_joined(model) -> bool:
    """Whether the Concatenate layer joins the transposed convolution's output and the first convolution's."""
    import keras

    joins = [layer for layer in model.layers if isinstance(layer, keras.layers.Concatenate)]
    firsts = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)
              and not isinstance(layer, keras.layers.Conv2DTranspose)]
    if len(joins) != 1 or not firsts:
        return False
    sources = {id(tensor._keras_history.operation) for tensor in joins[0].input}
    ups = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    return id(firsts[0]) in sources and bool(ups) and id(ups[0]) in sources


def _check_tiny_unet(build) -> str:
    import keras

    assert callable(build), "`tiny_unet` should be a function of (n_classes, filters) that returns the model."
    for n_classes, filters in ((11, 8), (3, 4)):
        model = build(n_classes, filters)
        keras_checks.assert_model(model, f"`tiny_unet({n_classes}, {filters})`")
        keras_checks.assert_layers(model, tiny_unet_layers(n_classes, filters))
        convs = [layer for layer in model.layers if type(layer) is keras.layers.Conv2D]
        assert convs[1].dilation_rate == (2, 2), "the second Conv2D should have dilation_rate=2: its 3 x 3 taps 2 apart."
        assert all(getattr(c.activation, "__name__", "") == "relu" for c in convs[:3]), 'give the 3 x 3 convolutions activation="relu".'
        keras_checks.assert_last_activation(
            model, "linear", "the last 1 x 1 convolution should give logits, with no activation: the loss applies "
                             "the softmax itself (from_logits=True).")
        assert _skip_joined(model), ("the Concatenate should join the Conv2DTranspose's output and the *first* Conv2D's "
                                     "output (the skip connection), not another layer's.")
    x, y = small_scenes(16, 3, seed=14)
    keras_checks.loss_falls(lambda: build(3, 4), x, y, learning_rate=1e-2,
                            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return ("layers, shapes and parameters as asked, the skip connection in place, and it learns: the notebook's "
            "segmenter is three of these levels deep.")


q3 = Exercise(
    "14", "q3",
    _check_tiny_unet,
    hint=("Functional API: inputs = keras.Input((32, 32, 1)); keep the first Conv2D's output in a variable (skip); "
          "pool, the dilated Conv2D, Conv2DTranspose(filters, 2, strides=2), then "
          "layers.Concatenate()([upsampled, skip]), one more Conv2D and a 1 x 1 Conv2D(n_classes) for the logits; "
          "return keras.Model(inputs, outputs)."),
)
