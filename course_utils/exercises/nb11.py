"""Exercises of notebook 11 (encoder-decoder and attention).

    >>> import numpy as np
    >>> from course_utils.exercises import nb11
    >>> nb11.q1.check(lambda q, k, v: (q, q))
    Not quite (q1): ...
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


q1 = Exercise(
    "11", "q1",
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
    return "Bahdanau's attention: w . tanh(q + k) instead of q . k, with one vector w more to learn."


q2 = Exercise(
    "11", "q2",
    _check_additive_translator,
    hint=("Copy `translator` with attention=True and write `context = layers.AdditiveAttention()([decoder_states, "
          "encoder_states])`; the rest stays."),
)
