"""Exercises of notebook 11 (encoder-decoder and attention).

    >>> import numpy as np
    >>> from course_utils.exercises import nb11
    >>> nb11.q2.check(lambda q, k, v: (q, q))
    Not quite (q2): ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise, keras_checks


def _softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    z = z - z.max(axis=axis, keepdims=True)
    return np.exp(z) / np.exp(z).sum(axis=axis, keepdims=True)


def _check_dot_attention(func) -> str:
    import keras

    rng = np.random.default_rng(11)
    query, keys, values = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 4))
    answer = func(query, keys, values)
    assert isinstance(answer, tuple) and len(answer) == 2, "return two arrays: (context, weights)."
    context, weights = (np.asarray(a, dtype=float) for a in answer)
    if context.shape == (2, 3, 5) and weights.shape == (2, 3, 4):
        raise AssertionError("context and weights are swapped: return (context, weights).")
    assert weights.shape == (2, 3, 5), f"the weights should have shape (batch, steps, positions) = (2, 3, 5), yours {weights.shape}."
    assert context.shape == (2, 3, 4), f"the context should have shape (batch, steps, d) = (2, 3, 4), yours {context.shape}."
    scores = query @ keys.transpose(0, 2, 1)
    if np.allclose(weights, _softmax(scores, axis=1)):
        raise AssertionError("your softmax runs over the output steps: take it over the input positions (the last axis).")
    if np.allclose(weights, _softmax(scores / 2.0)):
        raise AssertionError("you scale the scores by 1/sqrt(d), as a Transformer does; layers.Attention() does not: leave them as they are.")
    assert np.allclose(weights.sum(axis=-1), 1), "each row of weights should sum to 1: a softmax over the positions."
    assert np.allclose(weights, _softmax(scores)), "the weights are the softmax of query . key over the positions."
    assert np.allclose(context, weights @ values), "the context is the weighted sum of the values: weights @ values."
    keras_context, keras_weights = keras.layers.Attention()([query.astype("float32"), values.astype("float32"),
                                                             keys.astype("float32")], return_attention_scores=True)
    assert np.allclose(weights, keras.ops.convert_to_numpy(keras_weights), atol=1e-5)
    return "the same numbers as keras.layers.Attention: scores, a softmax over positions, a weighted sum."


q2 = Exercise(
    "11", "q2",
    _check_dot_attention,
    hint=("scores = query @ keys.transpose(0, 2, 1); subtract the row maximum, exponentiate and divide by the sum over "
          "the last axis; context = weights @ values."),
)


def _check_wiring(model, source, decoder_input) -> None:
    """Behaviour the layer counts cannot see: padding the source changes nothing, and the decoder starts from the
    encoder's last state."""
    import keras

    padded = np.concatenate([source, np.zeros((len(source), 4), dtype=source.dtype)], axis=1)
    plain, longer = (keras.ops.convert_to_numpy(model([s, decoder_input])) for s in (source, padded))
    assert np.allclose(plain, longer, atol=1e-4), (
        "adding padding (id 0) to the end of the source changed the output: the encoder reads the padding as input. "
        "Give the source Embedding mask_zero=True, so that the GRU skips padding and attention ignores it.")
    other_source = np.roll(source, 1, axis=0)
    for gru in [layer for layer in model.layers if isinstance(layer, keras.layers.GRU)]:
        states = keras.Model(model.inputs, gru.output[0] if isinstance(gru.output, (list, tuple)) else gru.output)
        first, second = (keras.ops.convert_to_numpy(states([s, decoder_input])) for s in (source, other_source))
        if first.ndim != 3 or first.shape[1] != decoder_input.shape[1] or first.shape[1] == source.shape[1]:
            continue  # not the decoder: its states do not run along the decoder's input
        assert not np.allclose(first, second, atol=1e-6), (
            "the decoder's states do not depend on the source: start the decoder GRU from the encoder's last state, "
            "`initial_state=encoder_state`, as `translator` does; attention alone comes too late to steer it.")


def _check_additive_translator(build) -> str:
    import keras

    from ..lessons.attention import shifted, translator

    assert callable(build), "`additive_translator` should be a function that builds and returns the model."
    for source_vocab, target_vocab, units in [(30, 11, 16), (40, 11, 24)]:
        model = build(source_vocab, target_vocab, units)
        keras_checks.assert_model(model, f"`additive_translator({source_vocab}, {target_vocab}, {units})`")
        kinds = [type(layer).__name__ for layer in model.layers]
        assert "AdditiveAttention" in kinds, f"there is no AdditiveAttention layer; your layers: {', '.join(kinds)}."
        assert "Attention" not in kinds, "use AdditiveAttention in place of Attention, not beside it."
        assert len(model.inputs) == 2, "the model takes two inputs: the source ids and the decoder's input ids."
        out = model.outputs[0].shape
        assert tuple(out)[-1] == target_vocab and len(out) == 3, (
            f"the output should be (batch, steps, {target_vocab}) logits, yours is {tuple(out)}: does the decoder "
            "return its sequence of states?")
        want = translator(source_vocab, target_vocab, units, attention=True).count_params() + units  # + w, the scale
        assert model.count_params() == want, (
            f"the model has {model.count_params():,} parameters; translator with attention has {want - units:,} and "
            f"AdditiveAttention adds {units} (its scale vector w), so {want:,}. Check the embeddings (32 numbers, the "
            "target side one id more for START) and the GRU sizes.")
        keras_checks.assert_last_activation(model, "linear", "leave it linear, the loss takes logits.")
    rng = np.random.default_rng(0)
    source = rng.integers(1, 30, (16, 12)).astype("int32")
    target = rng.integers(0, 11, (16, 10)).astype("int32")
    decoder_input = shifted(target, 11)
    _check_wiring(build(30, 11, 16), source, decoder_input)
    keras_checks.loss_falls(lambda: build(30, 11, 16), [source, decoder_input], target,
                            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return ("additive scores, w . tanh(q + k) instead of q . k, with one vector w more to learn; Bahdanau's form also "
            "passes q and k through learned matrices first, which Keras' AdditiveAttention leaves out.")


q3 = Exercise(
    "11", "q3",
    _check_additive_translator,
    hint=("Copy `translator` with attention=True and write `context = layers.AdditiveAttention()([decoder_states, "
          "encoder_states])`; the rest stays."),
)


class _StepTranslator:
    """A stand-in for a trained translator whose answers are known: at output step t it predicts, for each source,
    (its id at step t - 1 + the source's first id) mod n_classes, and the source's second id after START. Only the
    decoder's input at step t matters, as in a causal decoder. It answers `model([x, d])`, `model.predict([x, d])`
    and `model.predict_on_batch([x, d])` (or a dict with "source" and "decoder_input") and counts its calls."""

    def __init__(self, n_classes: int, start_id: int):
        self.n_classes, self.start_id, self.calls = n_classes, start_id, 0

    def written(self, x: np.ndarray, length: int) -> np.ndarray:
        """What greedy decoding should write."""
        out, previous = np.zeros((len(x), length), dtype=int), np.full(len(x), self.start_id)
        for t in range(length):
            previous = out[:, t] = self._next(x, previous)
        return out

    def _next(self, x, previous):
        return np.where(previous == self.start_id, x[:, 1], previous + x[:, 0]) % self.n_classes

    def predict_on_batch(self, inputs):
        if isinstance(inputs, dict):
            inputs = [inputs.get("source"), inputs.get("decoder_input")]
        assert isinstance(inputs, (list, tuple)) and len(inputs) == 2, (
            "the translator takes two inputs, [source ids, decoder input ids]: give it both, as a list.")
        x, decoder_input = (np.asarray(a) for a in inputs)
        assert decoder_input.ndim == 2 and len(decoder_input) == len(x), (
            f"the decoder's input should be (batch, steps) = ({len(x)}, steps), yours has shape {decoder_input.shape}.")
        self.calls += 1
        logits = np.zeros(decoder_input.shape + (self.n_classes,), dtype="float32")
        for t in range(decoder_input.shape[1]):
            logits[np.arange(len(x)), t, self._next(x, decoder_input[:, t])] = 5.0
        return logits

    def predict(self, inputs, batch_size=None, verbose="auto", **options):
        return self.predict_on_batch(inputs)

    def __call__(self, inputs, training=False):
        import keras

        if isinstance(inputs, (list, tuple)):
            inputs = [keras.ops.convert_to_numpy(a) for a in inputs]
        return keras.ops.convert_to_tensor(self.predict_on_batch(inputs))


def _check_greedy(decode) -> str:
    n_classes, start_id, length = 7, 7, 6
    rng = np.random.default_rng(11)
    x = rng.integers(1, n_classes, (5, 9)).astype("int32")
    model = _StepTranslator(n_classes, start_id)
    want = model.written(x, length)
    got = decode(model, x, start_id, length)
    got = np.asarray(got)
    assert got.shape == want.shape, (
        f"for 5 sources and length {length} return the written ids as an array of shape {want.shape}, yours has "
        f"shape {got.shape}" + (" (without START in front)." if got.shape == (5, length + 1) else "."))
    assert np.issubdtype(got.dtype, np.integer), f"return the ids (integers, argmax), not {got.dtype} values."
    if (got == want).all():
        assert model.calls <= length, (
            f"the model was called {model.calls} times for {length} steps: once per step is enough.")
        return ("each step reads the model's own previous character, as it will when nobody knows the answer; one "
                "pass over the model per character written.")
    if (got[:, 0] != want[:, 0]).any():
        raise AssertionError("the first character is already wrong: the decoder's input starts with start_id "
                             "(START), the id it was trained to read before the first character.")
    if (got == np.repeat(got[:, :1], length, axis=1)).all():
        raise AssertionError("every step repeats what the first step wrote: step t reads the logits at position t "
                             "(or the last position, when the input grows by one each step), and the prediction of "
                             "step t must go into the decoder's input at step t + 1 before the model is asked again.")
    followed = got[:, 1:] == model._next(x, got[:, :-1].T).T
    if not followed.all():
        raise AssertionError("the first character is right, but later steps do not follow from what was written "
                             "before them: the prediction of step t must go into the decoder's input at step t + 1 "
                             "(not zeros, not the true answer), as it will be when nobody knows the answer.")
    raise AssertionError(f"a translator whose answers are known should write {want[0].tolist()} for the first source, "
                         f"yours wrote {got[0].tolist()}. At each step take the argmax of the logits at that step, "
                         "write it down, and give it to the decoder as its input at the next step.")


q1 = Exercise(
    "11", "q1",
    _check_greedy,
    hint=("Start the decoder's input as one column of start_id per source. Then, `length` times: run the model on "
          "[x, decoder input], take the argmax of the logits at the newest position, keep it, and append it as a "
          "new column of the decoder's input. Return the kept ids (without START)."),
)
