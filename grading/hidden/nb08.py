"""Hidden tests of notebook 08 (architectures and transfer learning): 1 + 2 + 4 points.

q2 is called on depths and kernel sizes drawn for every grading run; q3's block is built for channel counts and sizes
drawn too, and its identity path is checked by the grader in a process that runs no student code.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from course_utils.exercises import whole_number
from grading.hidden import HiddenTest, Task, call_each, encode, judged
from grading.hidden.keras_layers import layers_of, saved_network


def _q1(student, reference, probes):
    got = whole_number(student, "the number of parameters")
    assert got == reference, f"{got:,} parameters is not right"


# --- q2: receptive_field(layers, k) -------------------------------------------------------------------------------

def _q2_probes(rng: np.random.Generator) -> dict:
    return {"3x3": [[int(n), 3] for n in rng.choice(np.arange(1, 30), 4, replace=False)],
            "other": [[int(rng.integers(1, 12)), int(k)] for k in (1, 5, 7)]}


def _q2_collect(values: dict, probes: dict) -> dict:
    return {kind: call_each(values["receptive_field"], calls) for kind, calls in probes.items()}


def _q2(kind: str):
    def check(student, reference, probes):
        for got, want, (layers, k) in zip(student[kind], reference[kind], probes[kind]):
            if isinstance(got, dict):
                raise AssertionError(f"for {layers} layers of {k} x {k} it raised {got.get('error')}")
            value = whole_number(got, f"the receptive field of {layers} layers of {k} x {k}")
            assert value == want, f"{layers} stacked {k} x {k} layers (stride 1) do not see {value} x {value} pixels"
    return check


# --- q3: residual_block(x, filters) -------------------------------------------------------------------------------

def _q3_probes(rng: np.random.Generator) -> dict:
    channels = int(rng.choice([4, 8, 12]))
    return {"size": int(rng.integers(5, 11)), "channels": channels, "seed": int(rng.integers(2**31))}


def _q3_collect(values: dict, probes: dict) -> dict:
    import keras

    from grading.runner import describe

    out = {}
    size, channels = probes["size"], probes["channels"]
    for kind, filters in (("same", channels), ("more", 2 * channels)):
        try:
            inputs = keras.Input((size, size, channels))
            outputs = values["residual_block"](inputs, filters)
            if not isinstance(outputs, keras.KerasTensor):
                raise TypeError(f"it returns {type(outputs).__name__}, not the block's output tensor")
            model = keras.Model(inputs, outputs)
            out[kind] = {"shape": list(outputs.shape), "params": model.count_params(),
                         "layers": [row[0] for row in layers_of(model)]}
            if kind == "same":
                model.save("block.keras")
        except BaseException as error:  # noqa: BLE001
            out[kind] = {"error": describe(error)}
    return out


def _q3_evaluate(collected: dict, probes: dict, folder: Path) -> dict:
    """With every 3 x 3 convolution's weights at zero, the block's output on random inputs, against relu(x)."""
    import keras

    model = saved_network(folder, "block.keras")
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D) and tuple(layer.kernel_size) == (3, 3):
            layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    x = np.random.default_rng(probes["seed"]).normal(size=(3, *model.input_shape[1:])).astype("float32")
    y = np.asarray(model(x))
    return {"identity": bool(y.shape == x.shape and np.allclose(y, np.maximum(x, 0), atol=1e-5))}


def _q3_block(kind: str, what: str):
    def check(student, reference, probes):
        got, want = student["collected"][kind], reference["collected"][kind]
        if "error" in got:
            raise AssertionError(f"{what}: it raised {got['error']}")
        assert got["shape"] == want["shape"], (f"{what}: the output should be {tuple(want['shape'])}, not "
                                               f"{tuple(got['shape'])}")
        assert "Add" in got["layers"], f"{what}: there is no Add layer joining the shortcut and F(x)"
        assert got["params"] == want["params"], f"{what}: {got['params']:,} parameters, not {want['params']:,}"
    return check


def _q3_identity(student, reference, probes):
    measured = student["evaluated"]
    if "identity" not in measured:
        raise AssertionError(f"the grader could not load the block: {measured.get('failed') or measured}")
    assert measured["identity"], ("with F's weights at zero the block should give relu(x): add the input itself, and "
                                  "apply the ReLU after the addition")


TASKS = [
    Task("q1", ("fc1_params",), collect=lambda values, probes: encode(values["fc1_params"]), time_limit=10,
         tests=(HiddenTest("VGG16's first dense layer's parameters", 1, judged(_q1)),)),
    Task("q2", ("receptive_field",), probes=_q2_probes, collect=_q2_collect, time_limit=10,
         tests=(HiddenTest("stacks of 3 x 3 layers, four depths", 1, judged(_q2("3x3"))),
                HiddenTest("kernels of 1, 5 and 7", 1, judged(_q2("other"))))),
    Task("q3", ("residual_block",), preload=("keras",), probes=_q3_probes, collect=_q3_collect, evaluate=_q3_evaluate,
         time_limit=60,
         tests=(HiddenTest("output shape, an Add and the parameters when the channels stay", 1,
                           judged(_q3_block("same", "same channels"))),
                HiddenTest("the same when they double (a 1 x 1 convolution on the shortcut)", 1,
                           judged(_q3_block("more", "doubled channels"))),
                HiddenTest("with F's weights at zero the block passes relu(x) on", 2, judged(_q3_identity)))),
]
