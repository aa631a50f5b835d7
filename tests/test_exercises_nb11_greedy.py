"""Notebook 11's q1, greedy decoding: a right loop written another way passes, each wrong loop is refused for its own
reason."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import nb11


def _greedy(feed_back=True, start=True, with_start=False, calls_per_step=1, as_dict=False):
    """Greedy decoding with a decoder input of fixed length (the course's is grown), through `model(...)`."""
    def decode(model, x, start_id, length):
        decoder_input = np.zeros((len(x), length), dtype="int32")
        decoder_input[:, 0] = start_id if start else 0
        written = np.zeros((len(x), length), dtype="int64")
        for t in range(length):
            for _ in range(calls_per_step):
                inputs = {"source": x, "decoder_input": decoder_input} if as_dict else [x, decoder_input]
                logits = np.asarray(model(inputs))
            written[:, t] = logits[:, t].argmax(axis=-1)
            if feed_back and t + 1 < length:
                decoder_input[:, t + 1] = written[:, t]
        return np.concatenate([np.full((len(x), 1), start_id), written], axis=1) if with_start else written
    return decode


@pytest.mark.parametrize("answer", [_greedy(), _greedy(as_dict=True)], ids=["list", "dict"])
def test_a_right_loop_written_another_way_passes(answer, capsys):
    nb11.q1.check(answer)
    assert nb11.q1.passed is True, capsys.readouterr().out


@pytest.mark.parametrize("exercise, answer, advice", [
    (nb11.q1, _greedy(feed_back=False), "into the decoder's input at step t + 1"),
    (nb11.q1, _greedy(start=False), "starts with start_id"),
    (nb11.q1, _greedy(with_start=True), "without START"),
    (nb11.q1, _greedy(calls_per_step=2), "once per step"),
    (nb11.q1, lambda model, x, start_id, length: np.asarray(model([x, np.full((len(x), length), start_id)])).argmax(-1),
     "every step repeats"),
], ids=["no feedback", "no START", "START kept", "two calls a step", "one pass"])
def test_a_wrong_loop_is_refused_with_its_reason(exercise, answer, advice, capsys):
    exercise.check(answer)
    out = capsys.readouterr().out
    assert exercise.passed is False and advice in out, out
