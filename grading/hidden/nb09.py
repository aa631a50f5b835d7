"""Hidden tests of notebook 09 (high-performance training): 2 + 4 + 3 points.

q1 runs on times drawn for every grading run; q2's pipeline is built on random images of a size and batch size drawn
too, and read for two epochs.
"""
from __future__ import annotations

import numpy as np

from course_utils.exercises import whole_number
from grading.hidden import HiddenTest, Task, as_array, call_each, encode, judged

# --- q1: epoch_seconds(input_s, compute_s, speedup, prefetch) ------------------------------------------------------


def _q1_probes(rng: np.random.Generator) -> dict:
    cases = [[float(rng.integers(1, 10)), float(rng.integers(10, 60)), float(rng.choice([2, 4, 8, 16]))] for _ in range(4)]
    return {"one after the other": [[*case, False] for case in cases], "overlapped": [[*case, True] for case in cases]}


def _q1_collect(values: dict, probes: dict) -> dict:
    return {kind: call_each(values["epoch_seconds"], calls) for kind, calls in probes.items()}


def _q1(kind: str):
    def check(student, reference, probes):
        for got, want, (input_s, compute_s, speedup, _) in zip(student[kind], reference[kind], probes[kind]):
            value = as_array(got)
            assert value.ndim == 0 and np.isclose(value, as_array(want)), (
                f"{kind}, {input_s:g} s of input and {compute_s:g} s of compute made {speedup:g}x faster do not take "
                f"{float(value) if value.ndim == 0 else value} s")
    return check


# --- q2: steady_dataset(images, labels, batch_size, seed) ----------------------------------------------------------

def _q2_probes(rng: np.random.Generator) -> dict:
    return {"n": int(rng.integers(150, 350)), "batch": int(rng.choice([32, 50, 64])), "seed": int(rng.integers(2**16))}


def _q2_collect(values: dict, probes: dict) -> dict:
    import tensorflow as tf

    from course_utils.exercises.nb09 import _stages

    n, batch, seed = probes["n"], probes["batch"], probes["seed"]
    rng = np.random.default_rng(seed)
    images, labels = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), np.arange(n)
    images[0, 0, 0] = 255
    ds = values["steady_dataset"](images, labels, batch, seed)
    if not isinstance(ds, tf.data.Dataset):
        return {"error": f"it returns {type(ds).__name__}, not a tf.data.Dataset"}
    spec = ds.element_spec
    if not (isinstance(spec, tuple) and len(spec) == 2):
        return {"error": "its elements are not pairs (images, labels)"}
    epochs = [[(x.numpy(), y.numpy()) for x, y in ds] for _ in range(2)]
    again = [y.numpy().tolist() for _, y in values["steady_dataset"](images, labels, batch, seed)]
    pixels = np.concatenate([x for x, _ in epochs[0]])
    return {"dtype": spec[0].dtype.name, "shape": list(spec[0].shape)[1:], "sizes": [len(y) for _, y in epochs[0]],
            "orders": [np.concatenate([y for _, y in epoch]).tolist() for epoch in epochs],
            "again": [i for part in again for i in part], "range": [float(pixels.min()), float(pixels.max())],
            "autotune": bool(ds.options().autotune.enabled), "stages": _stages(ds)}


def _facts(student) -> dict:
    facts = student if isinstance(student, dict) else {"error": "no pipeline"}
    if "error" in facts:
        raise AssertionError(f"steady_dataset: {facts['error']}")
    return facts


def _q2_elements(student, reference, probes):
    facts = _facts(student)
    assert facts["dtype"] == "float32" and facts["shape"] == [28, 28, 1], (
        f"the images should be float32 batches of (28, 28, 1), not {facts['dtype']} {tuple(facts['shape'])}")
    assert facts["range"][0] >= 0 and np.isclose(facts["range"][1], 1), "the pixels should be floats in [0, 1]"


def _q2_batches(student, reference, probes):
    facts, n, batch = _facts(student), probes["n"], probes["batch"]
    assert facts["sizes"][:-1] == [batch] * (len(facts["sizes"]) - 1) and sum(facts["sizes"]) == n, (
        f"batches of {batch} should cover the {n} images once per epoch, not {facts['sizes'][:6]}...")
    assert sorted(facts["orders"][0]) == list(range(n)), "an epoch should hold every image exactly once"


def _q2_shuffled(student, reference, probes):
    first, second = _facts(student)["orders"]
    assert first != list(range(probes["n"])), "the images are not shuffled"
    assert first != second, "two epochs come in the same order: reshuffle each epoch (after cache)"
    assert _facts(student)["again"] == first, "the same seed should give the same order: pass `seed` to shuffle"


def _q2_stages(student, reference, probes):
    facts = _facts(student)
    assert "cache" in facts["stages"], "there is no cache(): the conversion runs again every epoch"
    assert "prefetch" in facts["stages"], "there is no prefetch: the next batch is not prepared while one trains"
    assert not facts["autotune"], "autotuning is still on (and with it the stall at every epoch's start)"


# --- q3: global_batch_size, learning_rate, steps_per_epoch ----------------------------------------------------------

def _q3_collect(values: dict, probes) -> list:
    return [encode(values[name]) for name in ("global_batch_size", "learning_rate", "steps_per_epoch")]


def _q3_batch(student, reference, probes):
    got = whole_number(student[0], "the global batch")
    assert got == reference[0], f"a global batch of {got:,} is not right"


def _q3_rate(student, reference, probes):
    assert not isinstance(student[1], (str, dict, list)), f"the learning rate should be a number, not {student[1]}"
    assert np.isclose(float(student[1]), reference[1]), f"a learning rate of {student[1]} is not right"


def _q3_steps(student, reference, probes):
    got = whole_number(student[2], "the steps per epoch")
    assert got in (reference[2], reference[2] - 1), f"{got} steps per epoch is not right"


TASKS = [
    Task("q1", ("epoch_seconds",), probes=_q1_probes, collect=_q1_collect, time_limit=10,
         tests=(HiddenTest("one after the other, four cases", 1, judged(_q1("one after the other"))),
                HiddenTest("overlapped with prefetch, four cases", 1, judged(_q1("overlapped"))))),
    Task("q2", ("steady_dataset",), preload=("tensorflow",), probes=_q2_probes, collect=_q2_collect, time_limit=60,
         tests=(HiddenTest("float32 images of (28, 28, 1) in [0, 1], with their labels", 1, judged(_q2_elements)),
                HiddenTest("batches that cover every image once per epoch", 1, judged(_q2_batches)),
                HiddenTest("shuffled anew each epoch, in the same order for the same seed", 1, judged(_q2_shuffled)),
                HiddenTest("cached, prefetched, autotuning off", 1, judged(_q2_stages)))),
    Task("q3", ("global_batch_size", "learning_rate", "steps_per_epoch"), collect=_q3_collect, time_limit=10,
         tests=(HiddenTest("the global batch", 1, judged(_q3_batch)),
                HiddenTest("the scaled learning rate", 1, judged(_q3_rate)),
                HiddenTest("the steps per epoch", 1, judged(_q3_steps)))),
]
