"""Exercises of notebook 03 (a CNN for handwritten digits).

    >>> from course_utils.exercises import nb03
    >>> nb03.q1.check(1152, 147584)
    Correct! ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise, keras_checks, whole_number


def _check_dense_head(flat_size, params) -> str:
    flat_size, params = whole_number(flat_size, "the flattened size"), whole_number(params, "the number of parameters")
    assert flat_size != 5 * 5 * 128, "5 x 5 is the map before block 3; its valid 3x3 conv shrinks it once more."
    assert flat_size == 3 * 3 * 128, f"{flat_size}? Flatten multiplies height, width and channels of block 3's output."
    assert params != 1152 * 128, "add the 128 biases."
    assert params == 1152 * 128 + 128, f"{params}? One weight per input for each of the 128 units, plus a bias each."
    return "3 * 3 * 128 = 1,152 inputs; 1,152 * 128 + 128 = 147,584 parameters, most of the network's."


q1 = Exercise(
    "03", "q1",
    _check_dense_head,
    hint="Follow the shapes: 28 -> 26 (conv) -> 13 (pool) -> 11 (conv) -> 5 (pool) -> 3 (conv), with 128 channels at the end.",
)


def _check_accuracy(func) -> str:
    rng = np.random.default_rng(3)
    for n, k in [(50, 10), (7, 3), (200, 5)]:
        probs = rng.dirichlet(np.ones(k), size=n)
        labels = rng.integers(0, k, n)
        want = float(np.mean(probs.argmax(axis=1) == labels))
        got = func(probs, labels)
        assert np.ndim(got) == 0, "return one number, not an array."
        if np.isclose(got, want * 100):
            raise AssertionError("right idea, but return a fraction between 0 and 1, not a percentage.")
        assert np.isclose(float(got), want), f"for {n} predictions over {k} classes the accuracy should be {want:.3f}, yours is {float(got):.3f}."
    return "accuracy = mean(argmax(probabilities) == label)."


q2 = Exercise(
    "03", "q2",
    _check_accuracy,
    hint="The predicted class is the index of the largest probability in each row: `probs.argmax(axis=1)`.",
)


SMALL_CNN = [("Conv2D", (None, 26, 26, 16), 160), ("MaxPooling2D", (None, 13, 13, 16), 0),
             ("Conv2D", (None, 11, 11, 32), 4_640), ("MaxPooling2D", (None, 5, 5, 32), 0),
             ("Flatten", (None, 800), 0), ("Dense", (None, 10), 8_010)]


def _check_small_cnn(small_cnn, my_cnn, x_test, y_test, target_accuracy) -> str:
    assert callable(small_cnn), "`small_cnn` should be a function that builds and returns the network."
    fresh = small_cnn()
    keras_checks.assert_model(fresh, "`small_cnn()`")
    keras_checks.assert_layers(fresh, SMALL_CNN)
    activations = [getattr(layer, "activation", None) for layer in fresh.layers]
    names = [getattr(a, "__name__", None) for a in activations if a is not None]
    assert names == ["relu", "relu", "softmax"], (f"the activations should be relu, relu, softmax (conv, conv, dense); "
                                                  f"yours are {', '.join(map(str, names))}.")
    keras_checks.assert_model(my_cnn, "`my_cnn`")
    keras_checks.assert_layers(my_cnn, SMALL_CNN)
    optimizer = getattr(my_cnn, "optimizer", None)  # fit() compiles and steps it; an untrained network has none
    assert optimizer is not None and int(optimizer.iterations) > 0, (
        "`my_cnn` has never taken a training step: did you train it (`fit_classifier(my_cnn, x_fit, y_fit, epochs)`)?")
    predicted = my_cnn.predict(x_test, batch_size=1024, verbose=0).argmax(axis=1)
    accuracy = float(np.mean(predicted == np.asarray(y_test)))
    assert accuracy > 0.2, (f"`my_cnn` is right on {accuracy:.1%} of the test images, hardly better than guessing: "
                            "did you train it (`fit_classifier(my_cnn, x_fit, y_fit, epochs)`)?")
    assert accuracy >= target_accuracy, (
        f"`my_cnn` reaches {accuracy:.1%} on the test images, below the target of {target_accuracy:.0%}. Train it for "
        "more epochs, or on more images, and check that the inputs are floats in [0, 1] (`x_fit`).")
    return ("12,810 parameters, 19 times fewer than the course CNN, and past the target: the conv-pool pattern does "
            "most of the work.")


q3 = Exercise(
    "03", "q3",
    _check_small_cnn,
    hint="keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3, activation=\"relu\"), "
         "layers.MaxPooling2D(2), ...]) with the layers of the table in order; then `my_cnn = small_cnn()` and "
         "`fit_classifier(my_cnn, x_fit, y_fit, epochs)`, the notebook's recipe.",
)
