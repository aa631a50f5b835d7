"""What the hidden tests of Keras exercises read from a network, in the sandbox and in the grader.

    >>> import keras
    >>> layers_of(keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu")]))
    [['Dense', [None, 3], 15, 'relu']]
"""
from __future__ import annotations

from typing import Any


def layers_of(model: Any) -> list:
    """[class, output shape, parameters, activation] for each layer of a Keras model (the input layer aside)."""
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"not a Keras model but {type(model).__name__}")
    return [[type(layer).__name__, list(layer.output.shape), layer.count_params(),
             getattr(getattr(layer, "activation", None), "__name__", None)]
            for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def same_layers(got: Any, want: list, what: str) -> None:
    """AssertionError naming the first layer of ``got`` (rows of layers_of, or {"error": ...}) that differs from
    ``want`` in class, output shape or parameters."""
    if isinstance(got, dict):
        raise AssertionError(f"{what} did not give a network: {got.get('error')}")
    kinds, wanted = [row[0] for row in got], [row[0] for row in want]
    assert kinds == wanted, f"{what}: the layers should be {', '.join(wanted)}, not {', '.join(kinds) or 'none'}"
    for i, (mine, theirs) in enumerate(zip(got, want), start=1):
        assert mine[1] == theirs[1], f"{what}: layer {i} ({mine[0]}) outputs {tuple(mine[1])}, not {tuple(theirs[1])}"
        assert mine[2] == theirs[2], f"{what}: layer {i} ({mine[0]}) has {mine[2]:,} parameters, not {theirs[2]:,}"
