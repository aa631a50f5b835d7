"""Exercises of notebook 09 (high-performance training).

    >>> from course_utils.exercises import nb09
    >>> nb09.q3.check(1024, 0.008, 59)
    Correct! ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise, whole_number


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
    "09", "q1",
    _check_epoch_seconds,
    hint="Only the compute gets faster: compute_s / speedup. Without overlap the two parts add up; with prefetch "
         "they run at the same time, so the slower part decides.",
)


def _stages(ds) -> list[str]:
    """The kinds of a tf.data pipeline's stages, last first (prefetch, batch, shuffle, cache, map, ...)."""
    kinds = []
    while ds is not None:
        kinds.append(type(ds).__name__.strip("_").removesuffix("Dataset").lower())
        ds = getattr(ds, "_input_dataset", None)
    return kinds


def _check_steady_dataset(func) -> str:
    import tensorflow as tf

    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (300, 28, 28), dtype=np.uint8), np.arange(300)
    images[0, 0, 0] = 255
    ds = func(images, labels, 64, 0)
    assert isinstance(ds, tf.data.Dataset), f"`steady_dataset` should return a tf.data.Dataset, not {type(ds).__name__}."
    spec = ds.element_spec
    assert isinstance(spec, tuple) and len(spec) == 2, "each element should be a pair (images, labels)."
    assert spec[0].dtype == tf.float32 and tuple(spec[0].shape[1:]) == (28, 28, 1), (
        f"the images should be float32 batches of shape (batch, 28, 28, 1), yours are {spec[0].dtype.name} "
        f"{tuple(spec[0].shape)}: convert in the `map` and add the channel axis.")
    epochs = [[(x.numpy(), y.numpy()) for x, y in ds] for _ in range(2)]
    sizes = [len(y) for _, y in epochs[0]]
    assert sizes[:-1] == [64] * (len(sizes) - 1) and sum(sizes) == 300, (
        f"batches of 64 should cover the 300 images once per epoch; yours have sizes {sizes}.")
    first, second = (np.concatenate([y for _, y in epoch]) for epoch in epochs)
    assert sorted(first) == list(range(300)), "one epoch should hold every image exactly once."
    assert not np.array_equal(first, second), ("two epochs came in the same order: shuffle with "
                                               "`reshuffle_each_iteration=True` (the default) after `cache()`.")
    assert not np.array_equal(first, np.arange(300)), "the images are not shuffled."
    x = np.concatenate([x for x, _ in epochs[0]])
    assert x.min() >= 0 and np.isclose(x.max(), 1), "the pixels should be floats in [0, 1]: divide by 255."
    again = np.concatenate([y.numpy() for _, y in func(images, labels, 64, 0)])
    assert np.array_equal(again, first), "the same seed should give the same order: pass `seed` to `shuffle`."
    assert ds.options().autotune.enabled is False, (
        "autotuning is still on, and with it the epoch-start stall: options = tf.data.Options(); "
        "options.autotune.enabled = False; return ds.with_options(options).")
    stages = _stages(ds)
    assert "prefetch" in stages, "there is no `prefetch`: the next batch should be prepared while this one trains."
    assert "cache" in stages, "there is no `cache()`: the conversion should run once, not every epoch."
    return ("the data.to_dataset recipe, written by you: convert once, cache, reshuffle each epoch, and a fixed "
            "prefetch without autotuning, so no epoch waits for the pipeline to start.")


q2 = Exercise(
    "09", "q2",
    _check_steady_dataset,
    hint="tf.data.Dataset.from_tensor_slices((images, labels)).map(convert).cache().shuffle(len(images), seed=seed)"
         ".batch(batch_size).prefetch(2), where convert(image, label) returns (tf.cast(image, tf.float32)[..., None] "
         "/ 255.0, label); then switch autotuning off with tf.data.Options and `with_options`.",
)


def _check_scaling(global_batch, learning_rate, steps) -> str:
    global_batch, steps = whole_number(global_batch, "the global batch"), whole_number(steps, "the steps per epoch")
    assert global_batch != 128, "128 is what each GPU gets; the global batch counts the images of all replicas in one step."
    assert global_batch != 512, "there are two nodes with four GPUs each: eight replicas."
    assert global_batch == 8 * 128, f"{global_batch}? Eight replicas with 128 images each."
    assert not np.isclose(learning_rate, 0.001), ("with 8x larger batches there are 8x fewer updates per epoch; "
                                                  "the linear scaling rule grows the learning rate by the same factor.")
    assert not np.isclose(learning_rate, 0.001 / 8), "the other way round: larger batches, larger learning rate."
    assert np.isclose(learning_rate, 0.001 * 1024 / 128), f"{learning_rate}? Scale 0.001 by global batch / 128."
    assert steps != 469, "469 steps are for batches of 128; every step now consumes the global batch."
    assert steps in (58, 59), f"{steps}? 60,000 images in batches of 1,024."
    return ("1,024 images per step, learning rate 0.008 and 59 steps per epoch: Keras keeps the last partial batch of "
            "608 images (58 if you drop it). Large learning rates want a few epochs of warm-up.")


q3 = Exercise(
    "09", "q3",
    _check_scaling,
    hint="Global batch = per-replica batch x replicas (GPUs per node x nodes). The linear scaling rule multiplies the "
         "learning rate by global batch / 128. Steps per epoch = images / global batch, rounded up.",
)
