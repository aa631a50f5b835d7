"""Exercises of notebook 08 (architectures and transfer learning).

    >>> from course_utils.exercises import nb08
    >>> nb08.q1.check(102_764_544)
    Correct! ...
"""
from __future__ import annotations

from . import Exercise, keras_checks, whole_number


def _check_fc1(params) -> str:
    params = whole_number(params, "the number of parameters")
    assert params != 7 * 7 * 512 * 4096, "that counts the weights only; add the 4,096 biases."
    assert params != 224 * 224 * 3 * 4096, "the first dense layer sees the last pooling output, not the image."
    assert params == 7 * 7 * 512 * 4096 + 4096, f"{params:,}? Flatten the 7 x 7 x 512 map, then one weight per input per unit plus a bias."
    return "102,764,544: three quarters of VGG16's 138M parameters sit in this one layer."


q1 = Exercise(
    "08", "q1",
    _check_fc1,
    hint="The last max pooling leaves a 7 x 7 x 512 map. Each of the 4,096 units has one weight per number in it, plus a bias.",
)


def _check_receptive_field(func) -> str:
    cases = {(1, 3): 3, (2, 3): 5, (3, 3): 7, (5, 3): 11, (2, 5): 9, (4, 1): 1}
    for (layers, k), want in cases.items():
        got = whole_number(func(layers, k), f"the receptive field of {layers} layers of {k} x {k}")
        assert got == want, f"{layers} stacked {k}x{k} layers (stride 1) see {want} x {want} input pixels, not {got}."
    return "each stride-1 k x k layer widens the view by k - 1 pixels: 1 + L (k - 1)."


q2 = Exercise(
    "08", "q2",
    _check_receptive_field,
    hint="One 3x3 layer sees 3 pixels across. A second one looks at 3 neighbouring outputs of the first: how far apart are their outermost input pixels?",
)


def _check_residual_block(block) -> str:
    import keras
    import numpy as np

    assert callable(block), "`residual_block` should be a function of a Keras tensor and a number of filters."
    for channels, filters, params in [(16, 16, 2 * (9 * 16 * 16 + 16)), (16, 32, 9 * 16 * 32 + 32 + 9 * 32 * 32 + 32 + 16 * 32 + 32)]:
        inputs = keras.Input((8, 8, channels))
        outputs = block(inputs, filters)
        assert isinstance(outputs, keras.KerasTensor), ("`residual_block(x, filters)` should return the block's output "
                                                        "tensor (functional API), not a layer or a model.")
        model = keras.Model(inputs, outputs)
        assert tuple(outputs.shape) == (None, 8, 8, filters), (
            f"from {channels} to {filters} channels the output should be (None, 8, 8, {filters}), yours is "
            f"{tuple(outputs.shape)}: use padding=\"same\", and a 1 x 1 convolution on the shortcut when the channel "
            "count changes.")
        kinds = [type(layer).__name__ for layer in model.layers]
        assert "Add" in kinds, "there is no `layers.Add()`: the block must add its input (the shortcut) to F(x)."
        assert model.count_params() == params, (
            f"from {channels} to {filters} channels the block should have {params:,} parameters, yours has "
            f"{model.count_params():,}: two 3 x 3 convolutions with biases, plus a 1 x 1 convolution on the shortcut "
            "only when the channel count changes.")
    model = keras.Model(inputs := keras.Input((8, 8, 16)), block(inputs, 16))
    for layer in model.layers:   # silence F: every 3 x 3 convolution's weights set to zero
        if isinstance(layer, keras.layers.Conv2D) and layer.kernel_size == (3, 3):
            layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    x = np.random.default_rng(0).normal(size=(4, 8, 8, 16)).astype("float32")
    y = keras_checks.as_number(model(x))
    assert np.allclose(y, np.maximum(x, 0), atol=1e-6), (
        "with F's weights at zero, y = relu(x + F(x)) must be relu(x): is the input itself (not a convolution of it) "
        "added, and the ReLU applied after the addition?")
    return "y = relu(x + F(x)): with F silenced the block passes its input through, which is why deep ResNets train."


q3 = Exercise(
    "08", "q3",
    _check_residual_block,
    hint="f = layers.Conv2D(filters, 3, padding=\"same\", activation=\"relu\")(x); f = layers.Conv2D(filters, 3, "
         "padding=\"same\")(f); the shortcut is x, or layers.Conv2D(filters, 1)(x) when x.shape[-1] != filters; "
         "return layers.Activation(\"relu\")(layers.Add()([shortcut, f])).",
)
