"""Hidden tests of notebook 03 (a CNN for handwritten digits): 2 + 3 + 6 points.

q3's network is graded twice, neither time on the student's word: ``collect`` (in the student's process) only builds
``small_cnn()`` and saves it and the student's trained ``my_cnn``; ``evaluate`` (a second process that runs no student
code, loading both with ``safe_mode=True``) trains a fresh copy under the grader's seed on digits drawn for this run and
measures both on other held-out digits.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from course_utils.exercises import whole_number
from grading.hidden import HiddenTest, Task, as_array, call_each, encode, judged
from grading.hidden.keras_layers import layers_of, same_layers

N_FIT, N_TEST, EPOCHS = 2_000, 1_000, 2  # the digits the answer cell and the grader train on, and for how long
SLACK = 0.03  # accuracy a network may fall short of the reference network trained the same way


# --- q1: flat_size, dense_params ----------------------------------------------------------------------------------

def _number(index: int, what: str):
    def check(student, reference, probes):
        if not isinstance(student, list) or len(student) != 2:
            raise AssertionError("flat_size and dense_params should both be set")
        got = whole_number(student[index], what)
        assert got == reference[index], f"{got} is not right"
    return check


# --- q2: accuracy(probs, labels) ----------------------------------------------------------------------------------

def _q2_probes(rng: np.random.Generator) -> dict:
    calls = []
    for n, k in [(40, 10), (9, 4), (300, 7)]:
        calls.append([rng.dirichlet(np.ones(k), size=n).round(4).tolist(), rng.integers(0, k, n).tolist()])
    calls.append([np.eye(5)[[0, 1, 2, 3, 4, 0]].tolist(), [0, 1, 2, 3, 4, 1]])  # five of six right: 5 / 6
    return {"calls": calls}


def _q2_fractions(student, reference, probes):
    for got, want, (probs, _) in zip(student, reference, probes["calls"]):
        value = as_array(got)
        assert value.ndim == 0, f"it returns {value.shape}, not one number"
        if not np.isclose(value, as_array(want)) and np.isclose(value, as_array(want) * 100):
            raise AssertionError("it gives a percentage; the accuracy is a fraction between 0 and 1")
        assert np.isclose(value, as_array(want)), (f"for {len(probs)} predictions over {len(probs[0])} classes it gives "
                                                   f"{float(value):.3f}, not the right fraction")


# --- q3: small_cnn() and my_cnn ----------------------------------------------------------------------------------

def _digits(seed: int):
    """The grader's digits for this run: N_FIT to train, N_TEST to measure, drawn from all of MNIST."""
    from course_utils import data

    (x_train, y_train), (x_test, y_test) = data.load("mnist")
    rng = np.random.default_rng(seed)
    fit, held = rng.choice(len(x_train), N_FIT, replace=False), rng.choice(len(x_test), N_TEST, replace=False)
    return data.as_input(x_train[fit]), y_train[fit], data.as_input(x_test[held]), y_test[held]


def _q3_setup(probes) -> str:
    """What the answer cell reads from the notebook, made anew for grading (a subset, two epochs)."""
    return (f"from grading.hidden.nb03 import _digits\n"
            f"from course_utils.lessons.mnist_cnn import evaluate_accuracy, fit_classifier\n"
            f"x_fit, y_fit, x_eval, y_test = _digits({probes['seed']})\n"
            f"epochs, target_accuracy = {EPOCHS}, 0.5")


def _q3_collect(values: dict, probes) -> dict:
    from grading.runner import describe

    out = {}
    try:
        fresh = values["small_cnn"]()
        out["layers"] = layers_of(fresh)
        fresh.save("fresh.keras")
    except BaseException as error:  # noqa: BLE001
        out["layers"] = {"error": describe(error)}
    try:
        mine = values["my_cnn"]
        out["my_cnn_layers"] = layers_of(mine)
        optimizer = getattr(mine, "optimizer", None)
        out["my_cnn_steps"] = int(optimizer.iterations) if optimizer is not None else 0
        mine.save("my_cnn.keras")
    except BaseException as error:  # noqa: BLE001
        out["my_cnn_layers"] = {"error": describe(error)}
    return out


def _q3_evaluate(collected: dict, probes, folder: Path) -> dict:
    """In a process that runs no student code: train a fresh copy of the student's network under the grader's seed and
    measure it and the student's own my_cnn on held-out digits."""
    import keras

    from course_utils.lessons.mnist_cnn import evaluate_accuracy, fit_classifier

    x_fit, y_fit, x_eval, y_eval = _digits(probes["seed"] + 1)  # other digits than the answer cell saw
    out = {}
    for name, path in (("grader_trained", folder / "fresh.keras"), ("my_cnn", folder / "my_cnn.keras")):
        try:
            model = keras.models.load_model(path, safe_mode=True, compile=False)
            if name == "grader_trained":
                keras.utils.set_random_seed(probes["seed"] % 2**31)
                model = keras.models.clone_model(model)  # the architecture, with weights drawn under the grader's seed
                fit_classifier(model, x_fit, y_fit, EPOCHS, verbose=0)
            else:
                model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            out[name] = float(evaluate_accuracy(model, x_eval, y_eval))
        except Exception as error:  # noqa: BLE001 - a network that cannot be loaded or trained fails its tests
            out[name] = {"error": f"{type(error).__name__}: {str(error)[:200]}"}
    return out


def _q3_layers(student, reference, probes):
    same_layers(student["collected"]["layers"], reference["collected"]["layers"], "small_cnn()")


def _q3_activations(student, reference, probes):
    rows = student["collected"]["layers"]
    if isinstance(rows, dict):
        raise AssertionError(f"small_cnn() did not give a network: {rows.get('error')}")
    got = [row[3] for row in rows if row[3] is not None]
    want = [row[3] for row in reference["collected"]["layers"] if row[3] is not None]
    assert got == want, f"the activations should be {', '.join(want)} (conv, conv, dense), not {', '.join(map(str, got))}"


def _accuracy(value, what: str) -> float:
    if isinstance(value, dict):
        raise AssertionError(f"{what} could not be measured: {value.get('error')}")
    return float(value)


def _q3_grader_trained(student, reference, probes):
    got = _accuracy(student["evaluated"]["grader_trained"], "the network the grader trained")
    want = _accuracy(reference["evaluated"]["grader_trained"], "the reference")
    assert got >= want - SLACK, (f"trained by the grader ({EPOCHS} epochs on {N_FIT:,} digits) it reaches {got:.1%}, "
                                 f"below the reference network's {want:.1%}")


def _q3_my_cnn(student, reference, probes):
    steps = student["collected"].get("my_cnn_steps", 0)
    assert isinstance(steps, int) and steps > 0, "my_cnn has never taken a training step: train it with fit_classifier"
    got = _accuracy(student["evaluated"]["my_cnn"], "my_cnn")
    want = _accuracy(reference["evaluated"]["my_cnn"], "the reference")
    assert got >= want - SLACK, f"my_cnn reaches {got:.1%} on the grader's digits, below the reference's {want:.1%}"


TASKS = [
    Task("q1", ("flat_size", "dense_params"), time_limit=10,
         collect=lambda values, probes: [encode(values["flat_size"]), encode(values["dense_params"])],
         tests=(HiddenTest("the flattened size", 1, judged(_number(0, "the flattened size"))),
                HiddenTest("the dense layer's parameters", 1, judged(_number(1, "the number of parameters"))))),
    Task("q2", ("accuracy",), probes=_q2_probes, time_limit=10, forbidden=("sklearn.metrics.accuracy_score",),
         collect=lambda values, probes: call_each(values["accuracy"], probes["calls"]),
         tests=(HiddenTest("the fraction right, on four sets of predictions", 3, judged(_q2_fractions)),)),
    Task("q3", ("small_cnn", "my_cnn"), preload=("keras",), probes=lambda rng: {"seed": int(rng.integers(2**31))},
         setup=_q3_setup,
         collect=_q3_collect, evaluate=_q3_evaluate, time_limit=90,
         tests=(HiddenTest("the layers, their output shapes and parameters (12,810 in all)", 2, judged(_q3_layers)),
                HiddenTest("ReLU after each convolution, softmax at the end", 1, judged(_q3_activations)),
                HiddenTest(f"a fresh copy trained by the grader (its seed, {N_FIT:,} other digits, {EPOCHS} epochs) is "
                           "as accurate as the reference network", 2, judged(_q3_grader_trained)),
                HiddenTest("my_cnn is trained and as accurate on held-out digits as the reference's", 1,
                           judged(_q3_my_cnn)))),
]
