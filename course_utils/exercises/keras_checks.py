"""What the Keras exercises check: a model's layers against a spec, a function on real and symbolic tensors, and a
few training steps. Each helper raises ``AssertionError`` with advice, which ``Exercise.check`` prints.

    >>> import keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    >>> assert_layers(model, [("Dense", (None, 3), 15)])
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np


def assert_model(answer: Any, what: str) -> None:
    """``answer`` must be a Keras model (built with an input shape)."""
    import keras

    assert isinstance(answer, keras.Model), (f"{what} should be a Keras model (keras.Sequential or keras.Model), "
                                             f"not {type(answer).__name__}.")


def assert_layers(model, spec: list[tuple[str, tuple, int]]) -> None:
    """The model's layers (input layers aside) must be ``spec``: one (class name, output shape, parameters) each.
    The first layer that differs is named, with what it should be."""
    import keras

    found = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    got_types = [type(layer).__name__ for layer in found]
    want_types = [kind for kind, _, _ in spec]
    if got_types != want_types:
        first = next((i for i, (a, b) in enumerate(zip(got_types, want_types)) if a != b), min(len(got_types), len(want_types)))
        raise AssertionError(f"the layers should be {', '.join(want_types)}; yours are {', '.join(got_types) or 'none'} "
                             f"(the first difference is layer {first + 1}).")
    for i, (layer, (kind, shape, params)) in enumerate(zip(found, spec), start=1):
        got_shape = tuple(layer.output.shape)
        assert got_shape == shape, (f"layer {i} ({kind}) should output {shape}, yours outputs {got_shape}: check its "
                                    "units or filters, kernel size, stride and padding.")
        assert layer.count_params() == params, (f"layer {i} ({kind}) should have {params:,} parameters, yours has "
                                                f"{layer.count_params():,}.")


def assert_last_activation(model, want: str, advice: str) -> None:
    """The model's last layer must apply ``want`` ("linear" for logits, "softmax" for probabilities)."""
    got = getattr(model.layers[-1].activation, "__name__", "") or "nothing"
    assert got == want, f"the last layer applies {got}: {advice}"


def symbolic(func: Callable, *shapes: tuple, name: str) -> Any:
    """Trace ``func`` as a training step does (``tf.function``), on batches of ``shapes`` whose size is not known yet,
    and return its symbolic output. NumPy cannot work on such tensors; ``keras.ops`` and ``keras.losses`` can."""
    import tensorflow as tf

    try:
        traced = tf.function(func).get_concrete_function(*(tf.TensorSpec((None, *shape)) for shape in shapes))
        return traced.structured_outputs
    except Exception as error:  # noqa: BLE001 - turned into advice
        last = ([line.strip() for line in str(error).splitlines() if line.strip()] or [""])[-1][:160]
        raise AssertionError(f"`{name}` fails inside a training step, on tensors ("
                             f"{last}). There it gets tensors, not NumPy arrays: write it with "
                             "`keras.ops` (ops.exp, ops.square, ops.sum, ops.mean ...) or `keras.losses`, not `np`.") from None


def as_number(value: Any) -> np.ndarray:
    """A tensor or array as NumPy."""
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value), dtype=float)


def loss_falls(build: Callable[[], Any], x, y, loss: Any, steps: int = 5, learning_rate: float = 1e-2,
               seed: int = 0) -> tuple[float, float]:
    """Build a model with ``build()`` from a fixed seed, and return its loss on a fixed batch before and after
    ``steps`` Adam steps on that batch; it must fall."""
    import keras

    keras.utils.set_random_seed(seed)
    model = build()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss)
    before = float(model.evaluate(x, y, verbose=0))
    for _ in range(steps):
        model.train_on_batch(x, y)
    after = float(model.evaluate(x, y, verbose=0))
    assert np.isfinite(after) and after < before, (
        f"{steps} training steps on one fixed batch should lower the loss, but it went from {before:.4f} to "
        f"{after:.4f}: are the layers connected, and is the output layer's activation the one asked for?")
    return before, after
