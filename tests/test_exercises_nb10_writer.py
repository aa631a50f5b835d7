"""Notebook 10's q4, the writing loop: the right answer written another way passes, each wrong loop is refused for
its own reason."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import nb10


def _encode(text, vocabulary):
    return [vocabulary.index(char) for char in text]  # str.index raises ValueError on an unknown character


def _softmax(logits, temperature):
    z = np.asarray(logits, dtype="float64") / temperature
    p = np.exp(z - z.max())
    return p / p.sum()


def _write(position=-1, feed_back=True, multiply=False, greedy=False, encode=_encode, keep_prompt=False,
           batch_axis=True, global_rng=False):
    """A writing loop (through `model(...)`, not predict_on_batch) with one thing changed by each option."""
    def write(model, vocabulary, prompt, n_chars, temperature, seed=0):
        rng = np.random if global_rng else np.random.default_rng(seed)
        start = encode(prompt, vocabulary)
        ids = list(start)
        for _ in range(n_chars):
            shown = np.array([ids] if batch_axis else ids, dtype="int32") if feed_back else np.array([start])
            logits = np.asarray(model(shown))
            logits = logits[0, position] if batch_axis else logits[position]
            p = _softmax(logits * temperature, 1.0) if multiply else _softmax(logits, temperature)
            ids.append(int(np.argmax(p)) if greedy else int(rng.choice(len(vocabulary), p=p)))
        return "".join(vocabulary[i] for i in ids[0 if keep_prompt else len(start):])
    return write


def test_a_right_loop_written_another_way_passes(capsys):
    nb10.q4.check(_write())
    assert nb10.q4.passed is True, capsys.readouterr().out


@pytest.mark.parametrize("exercise, answer, advice", [
    (nb10.q4, _write(position=0), "last position"),
    (nb10.q4, _write(feed_back=False), "Append each drawn id"),
    (nb10.q4, _write(multiply=True), "do not multiply"),
    (nb10.q4, _write(greedy=True), "always write"),
    (nb10.q4, _write(encode=lambda text, vocabulary: [vocabulary.find(c) for c in text]), "Refuse an unknown"),
    (nb10.q4, _write(keep_prompt=True), "without the prompt"),
    (nb10.q4, _write(batch_axis=False), "Add the batch axis"),
    (nb10.q4, _write(global_rng=True), "same seed gave two different texts"),
], ids=["first position", "no feedback", "multiplied", "argmax", "unknown kept", "prompt kept", "no batch axis",
        "global generator"])
def test_a_wrong_loop_is_refused_with_its_reason(exercise, answer, advice, capsys):
    exercise.check(answer)
    out = capsys.readouterr().out
    assert exercise.passed is False and advice in out, out
