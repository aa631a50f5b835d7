"""Hidden tests of notebook 11 (attention): 4 + 4 + 6 points.

q1 decodes with a stand-in translator whose answers are known, on sources drawn for every grading run; q2 runs on
queries, keys and values drawn too; q3's network is built for two sizes in the student's process, and the grader loads
it in a process that runs no student code to feed it padded sources and train a fresh copy.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from grading.hidden import HiddenTest, Task, as_array, call_each, judged
from grading.hidden.keras_layers import built, learned, loss_before_after, saved_network, size_key

# --- q1: greedy(model, x, start_id, length) ---------------------------------------------------------------------


def _q1_probes(rng: np.random.Generator) -> dict:
    n_classes = int(rng.integers(5, 13))
    return {"n_classes": n_classes, "calls": [
        [rng.integers(1, n_classes, (int(rng.integers(3, 8)), int(rng.integers(5, 11)))).tolist(), int(rng.integers(4, 9))],
        [rng.integers(1, n_classes, (1, 6)).tolist(), int(rng.integers(10, 15))]]}


def _q1_collect(values: dict, probes: dict) -> list:
    from course_utils.exercises.nb11 import _StepTranslator

    n_classes, greedy = probes["n_classes"], values["greedy"]
    return call_each(lambda x, length: np.asarray(greedy(_StepTranslator(n_classes, n_classes), x.astype("int32"),
                                                         n_classes, length)),
                     probes["calls"])


def _q1_written(index: int):
    def check(student, reference, probes):
        got, want = as_array(student[index]), as_array(reference[index])
        x, length = probes["calls"][index]
        assert got.shape == want.shape, (f"for {len(x)} source(s) and length {length} the written ids should be "
                                         f"{want.shape}, not {got.shape}" + (" (leave out START)" if got.shape[-1:] == (length + 1,) else ""))
        if not np.array_equal(got, want):
            assert np.array_equal(got[:, 0], want[:, 0]), "the first id is already wrong: the decoder's input starts with start_id"
            raise AssertionError("the first id is right but later ones are not: feed each step's argmax back as the "
                                 "decoder's input for the next step")
    return check


def _q1_shape(student, reference, probes):
    got, want = as_array(student[0]), as_array(reference[0])
    assert got.shape == want.shape, f"the written ids should have shape (sources, length) = {want.shape}, not {got.shape}"
    assert np.allclose(got, np.round(got)), "the written ids should be whole numbers (argmax), not probabilities"


# --- q2: dot_attention(query, keys, values) ---------------------------------------------------------------------


def _q2_probes(rng: np.random.Generator) -> dict:
    batch, steps, positions, d, dv = (int(rng.integers(1, 4)), int(rng.integers(2, 6)), int(rng.integers(3, 8)),
                                      int(rng.integers(2, 6)), int(rng.integers(2, 6)))
    calls = [[rng.normal(size=(batch, steps, d)).round(3).tolist(), rng.normal(size=(batch, positions, d)).round(3).tolist(),
              rng.normal(size=(batch, positions, dv)).round(3).tolist()],
             [(rng.normal(size=(1, 2, d)) * 40).round(3).tolist(), (rng.normal(size=(1, 4, d)) * 40).round(3).tolist(),
              rng.normal(size=(1, 4, dv)).round(3).tolist()]]
    return {"calls": calls}


def _pair(collected) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(collected, dict) and "error" in collected:
        raise AssertionError(f"it raised {collected['error']}")
    if not isinstance(collected, list) or len(collected) != 2:
        raise AssertionError("it should return two arrays, (context, weights)")
    return as_array(collected[0]), as_array(collected[1])


def _q2_shapes(student, reference, probes):
    (context, weights), (want_context, want_weights) = _pair(student[0]), _pair(reference[0])
    if context.shape == want_weights.shape and weights.shape == want_context.shape:
        raise AssertionError("context and weights are swapped: return (context, weights)")
    assert weights.shape == want_weights.shape, f"the weights should be (batch, steps, positions) = {want_weights.shape}, not {weights.shape}"
    assert context.shape == want_context.shape, f"the context should be (batch, steps, values' size) = {want_context.shape}, not {context.shape}"


def _q2_weights(student, reference, probes):
    (_, weights), (_, want) = _pair(student[0]), _pair(reference[0])
    assert weights.shape == want.shape and np.allclose(weights.sum(axis=-1), 1), "each row of weights should add up to 1 over the positions"
    assert np.allclose(weights, want, atol=1e-6), "the weights are the softmax of query . key over the positions (no scaling)"


def _q2_context(student, reference, probes):
    (context, _), (want, _) = _pair(student[0]), _pair(reference[0])
    assert context.shape == want.shape and np.allclose(context, want, atol=1e-6), "the context is weights @ values"


def _q2_stable(student, reference, probes):
    (context, weights), (want_context, want_weights) = _pair(student[1]), _pair(reference[1])
    assert np.all(np.isfinite(weights)) and np.all(np.isfinite(context)), (
        "for scores in the thousands it overflows: subtract each row's largest score before exp")
    assert np.allclose(weights, want_weights, atol=1e-6) and np.allclose(context, want_context, atol=1e-6), (
        "for large scores the weights or the context are wrong")


# --- q3: additive_translator(source_vocab_size, target_vocab_size, units) ---------------------------------------

STEPS = 40  # Adam steps the grader trains the student's network for


def _q3_probes(rng: np.random.Generator) -> dict:
    return {"sizes": [[int(rng.integers(15, 40)), int(rng.integers(6, 14)), int(rng.choice([16, 24]))],
                      [int(rng.integers(40, 60)), int(rng.integers(6, 14)), 12]], "seed": int(rng.integers(2**31))}


def _q3_evaluate(collected: dict, probes: dict, folder: Path) -> dict:
    """Whether padding the source changes the output, and the loss of a fresh copy trained to write each source's ids
    (mod the target vocabulary) back."""
    import keras

    source_vocab, target_vocab, _ = probes["sizes"][0]
    rng = np.random.default_rng(probes["seed"])
    source = rng.integers(1, source_vocab, (48, 8)).astype("int32")
    target = (source[:, :6] % target_vocab).astype("int32")
    decoder_input = np.concatenate([np.full((48, 1), target_vocab), target[:, :-1]], axis=1).astype("int32")
    model = saved_network(folder)
    padded = np.concatenate([source, np.zeros((48, 3), "int32")], axis=1)
    plain, longer = (np.asarray(model([s, decoder_input])) for s in (source, padded))
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    return {"ignores padding": bool(plain.shape == longer.shape and np.allclose(plain, longer, atol=1e-4)),
            **loss_before_after(model, probes["seed"], [source, decoder_input], target, loss, STEPS)}


def _q3_size(index: int):
    def check(student, reference, probes):
        size = tuple(probes["sizes"][index])
        got, want = student["collected"][size_key(size)], reference["collected"][size_key(size)]
        if isinstance(got, dict):
            raise AssertionError(f"additive_translator{size} did not give a network: {got.get('error')}")
        kinds = sorted(row[0] for row in got)
        assert "AdditiveAttention" in kinds, f"additive_translator{size} has no AdditiveAttention layer"
        assert kinds == sorted(row[0] for row in want), (
            f"additive_translator{size}: the layers should be {', '.join(sorted(row[0] for row in want))}, not {', '.join(kinds)}")
        params, want_params = sum(row[2] for row in got), sum(row[2] for row in want)
        assert params == want_params, f"additive_translator{size} has {params:,} parameters, not {want_params:,}"
        assert got[-1][1] == want[-1][1], f"additive_translator{size} outputs {tuple(got[-1][1])}, not {tuple(want[-1][1])} logits"
    return check


def _q3_padding(student, reference, probes):
    measured = student["evaluated"]
    if "ignores padding" not in measured:
        raise AssertionError(f"the grader could not load it: {measured.get('failed') or measured}")
    assert measured["ignores padding"], "padding the source (id 0) changes the output: the source Embedding needs mask_zero=True"


TASKS = [
    Task("q1", ("greedy",), probes=_q1_probes, collect=_q1_collect, time_limit=20,
         tests=(HiddenTest("the written ids' shape and kind", 1, judged(_q1_shape)),
                HiddenTest("the ids written for a batch of sources drawn", 2, judged(_q1_written(0))),
                HiddenTest("the ids written for one source, at a greater length", 1, judged(_q1_written(1))))),
    Task("q2", ("dot_attention",), probes=_q2_probes, time_limit=10,
         collect=lambda values, probes: call_each(values["dot_attention"], probes["calls"]),
         tests=(HiddenTest("the shapes of the context and the weights, for sizes drawn", 1, judged(_q2_shapes)),
                HiddenTest("the weights", 1, judged(_q2_weights)),
                HiddenTest("the context", 1, judged(_q2_context)),
                HiddenTest("large scores, without overflow", 1, judged(_q2_stable)))),
    Task("q3", ("additive_translator",), preload=("keras",), probes=_q3_probes,
         collect=lambda values, probes: built(values["additive_translator"], probes["sizes"]),
         evaluate=_q3_evaluate, time_limit=90,
         tests=(HiddenTest("its layers, parameters and output for a size drawn", 2, judged(_q3_size(0))),
                HiddenTest("the same for a second size", 1, judged(_q3_size(1))),
                HiddenTest("padding the source changes nothing", 1, judged(_q3_padding)),
                HiddenTest(f"trained by the grader for {STEPS} steps to write the source back, its loss falls by 30 % "
                           "or more", 2, judged(learned(STEPS, 0.3, "is the decoder fed the encoder's state and the "
                                                                   "attention's context?"))))),
]
