"""Exercises of notebook 09 (high-performance training).

    >>> from course_utils.exercises import nb09
    >>> nb09.q2.check(1024, 0.008, 59)
    Correct! ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise


def _check_epoch_seconds(func) -> str:
    for input_s, compute_s, speedup in [(6.0, 24.0, 8.0), (1.0, 30.0, 10.0), (2.0, 40.0, 4.0), (5.0, 5.0, 1.0)]:
        one_by_one, overlapped = input_s + compute_s / speedup, max(input_s, compute_s / speedup)
        got = float(func(input_s, compute_s, speedup, False))
        if not np.isclose(got, one_by_one):
            assert not np.isclose(got, (input_s + compute_s) / speedup), \
                "the faster device speeds up the compute only; the input work takes as long as before."
            assert not np.isclose(got, input_s + compute_s), "the compute part should get `speedup` times faster."
            raise AssertionError(f"one after the other, {input_s:g} s of input and {compute_s:g} s of compute made "
                                 f"{speedup:g}x faster take {one_by_one:g} s, not {got:g}.")
        got = float(func(input_s, compute_s, speedup, True))
        if not np.isclose(got, overlapped):
            assert not np.isclose(got, one_by_one), \
                "with prefetch the next batch is prepared while this one computes: the two parts overlap."
            raise AssertionError(f"overlapped, an epoch lasts as long as the slower part: {overlapped:g} s, not {got:g}.")
    return ("30 s -> 9 s one after the other (3.3x), 6 s with prefetch (5x): once compute is fast, the input "
            "pipeline sets the pace (Amdahl's law).")


q1 = Exercise(
    "q1",
    _check_epoch_seconds,
    hint="Only the compute gets faster: compute_s / speedup. Without overlap the two parts add up; with prefetch "
         "they run at the same time, so the slower part decides.",
    solution="def epoch_seconds(input_s, compute_s, speedup, prefetch):\n"
             "    compute = compute_s / speedup\n"
             "    return max(input_s, compute) if prefetch else input_s + compute",
)


def _check_scaling(global_batch, learning_rate, steps) -> str:
    assert int(global_batch) != 128, "128 is what each GPU gets; the global batch counts the images of all replicas in one step."
    assert int(global_batch) != 512, "there are two nodes with four GPUs each: eight replicas."
    assert int(global_batch) == 8 * 128, f"{global_batch}? Eight replicas with 128 images each."
    assert not np.isclose(learning_rate, 0.001), ("with 8x larger batches there are 8x fewer updates per epoch; "
                                                  "the linear scaling rule grows the learning rate by the same factor.")
    assert not np.isclose(learning_rate, 0.001 / 8), "the other way round: larger batches, larger learning rate."
    assert np.isclose(learning_rate, 0.001 * 1024 / 128), f"{learning_rate}? Scale 0.001 by global batch / 128."
    assert int(steps) != 469, "469 steps are for batches of 128; every step now consumes the global batch."
    assert int(steps) in (58, 59), f"{steps}? 60,000 images in batches of 1,024."
    return ("1,024 images per step, learning rate 0.008 and 59 steps per epoch: Keras keeps the last partial batch of "
            "608 images (58 if you drop it). Large learning rates want a few epochs of warm-up.")


q2 = Exercise(
    "q2",
    _check_scaling,
    hint="Global batch = per-replica batch x replicas (GPUs per node x nodes). The linear scaling rule multiplies the "
         "learning rate by global batch / 128. Steps per epoch = images / global batch, rounded up.",
    solution="global_batch = 2 * 4 * 128                   # 1024\n"
             "learning_rate = 0.001 * global_batch / 128   # 0.008\n"
             "steps = math.ceil(60_000 / global_batch)      # 59",
)
