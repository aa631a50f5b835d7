"""What the hidden tests of Keras exercises read from a network, in the sandbox and in the grader.

In the sandbox, ``built`` builds the student's network for a few sizes and saves the first; in a second process that
runs no student code, ``saved_network`` loads it and ``loss_before_after`` trains a fresh copy under the grader's seed; in the
grader, ``same_layers`` and ``learned`` judge what came back.

    >>> import keras
    >>> layers_of(keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu")]))
    [['Dense', [None, 3], 15, 'relu']]
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

SAVED = "network.keras"  # what ``built`` saves of the first size, in the exercise's own folder


def _shape(output: Any) -> list:
    """A layer's output shape as a list; a list of them for a layer with several outputs (a GRU's states)."""
    if isinstance(output, (list, tuple)):
        return [list(part.shape) for part in output]
    return list(output.shape)


def layers_of(model: Any) -> list:
    """[class, output shape, parameters, activation] for each layer of a Keras model (the input layers aside)."""
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"not a Keras model but {type(model).__name__}")
    return [[type(layer).__name__, _shape(layer.output), layer.count_params(),
             getattr(getattr(layer, "activation", None), "__name__", None)]
            for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def size_key(size: tuple) -> str:
    """The key of one size's layers in what ``built`` collects: (7, 3, 8) -> "7-3-8"."""
    return "-".join(map(str, size))


def built(build: Any, sizes: list) -> dict:
    """In the sandbox: ``layers_of(build(*size))`` for each size (or {"error": ...}), the first network saved as
    ``SAVED`` for the grader to train."""
    from grading.runner import describe

    out = {}
    for i, size in enumerate(map(tuple, sizes)):
        try:
            model = build(*size)
            out[size_key(size)] = layers_of(model)
            if i == 0:
                model.save(SAVED)
        except BaseException as error:  # noqa: BLE001 - one size failing costs that size's test only
            out[size_key(size)] = {"error": describe(error)}
    return out


def saved_network(folder: Path, name: str = SAVED) -> Any:
    """In the grader's process that runs no student code: the network the answer saved as ``name`` in ``folder``,
    loaded with ``safe_mode`` (no code of the student's, such as a Lambda layer, runs)."""
    import keras

    return keras.models.load_model(Path(folder) / name, safe_mode=True, compile=False)


def loss_before_after(network: Any, seed: int, x: Any, y: Any, loss: Any, steps: int, learning_rate: float = 1e-2,
                      metrics: tuple = ()) -> dict:
    """In the grader's process that runs no student code: a fresh copy of ``network`` (from ``saved_network``), its
    weights drawn anew under ``seed``, trained for ``steps`` Adam steps on one batch (x, y). Its loss (and metrics)
    before and after."""
    import keras

    keras.utils.set_random_seed(seed % 2**31)
    model = keras.models.clone_model(network)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, metrics=list(metrics))

    def measured() -> list[float]:
        values = model.evaluate(x, y, verbose=0)
        return [float(v) for v in (values if isinstance(values, list) else [values])]

    before = measured()
    for _ in range(steps):
        model.train_on_batch(x, y)
    after = measured()
    return {"before": before[0], "after": after[0], **{f"{name}_after": value
                                                         for name, value in zip(metrics, after[1:])}}


def same_layers(got: Any, want: list, what: str) -> None:
    """AssertionError naming the first layer of ``got`` (rows of layers_of, or {"error": ...}) that differs from
    ``want`` in class, output shape or parameters."""
    if isinstance(got, dict):
        raise AssertionError(f"{what} did not give a network: {got.get('error')}")
    kinds, wanted = [row[0] for row in got], [row[0] for row in want]
    assert kinds == wanted, f"{what}: the layers should be {', '.join(wanted)}, not {', '.join(kinds) or 'none'}"
    for i, (mine, theirs) in enumerate(zip(got, want), start=1):
        assert mine[1] == theirs[1], f"{what}: layer {i} ({mine[0]}) outputs {_shown(mine[1])}, not {_shown(theirs[1])}"
        assert mine[2] == theirs[2], f"{what}: layer {i} ({mine[0]}) has {mine[2]:,} parameters, not {theirs[2]:,}"


def _shown(shape: list) -> str:
    return ", ".join(map(_shown, shape)) if shape and isinstance(shape[0], list) else str(tuple(shape))


def size_judge(name: str, size: tuple | int) -> Callable[[Any, Any, Any], None]:
    """A check for ``judged``: the layers ``built`` collected for ``size`` are the reference's. An int picks one of
    the sizes drawn for the run, ``probes["sizes"][size]``."""
    def check(student, reference, probes):
        shape = tuple(probes["sizes"][size]) if isinstance(size, int) else tuple(size)
        same_layers(student["collected"][size_key(shape)], reference["collected"][size_key(shape)], f"{name}{shape}")
    return check


def learned(steps: int, drop: float, advice: str) -> Callable[[Any, Any, Any], None]:
    """A check for ``judged``: trained by the grader (``loss_before_after``), the loss fell by at least ``drop``
    (0.3: 30 %)."""
    def check(student, reference, probes):
        measured = student["evaluated"]
        if "before" not in measured:
            raise AssertionError(f"the grader could not train it: {measured.get('failed') or measured}")
        assert measured["after"] <= (1 - drop) * measured["before"], (
            f"trained by the grader for {steps} steps its loss went from {measured['before']:.3f} to "
            f"{measured['after']:.3f}: it should fall by at least {drop:.0%} ({advice})")
    return check
