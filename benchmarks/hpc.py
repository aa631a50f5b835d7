"""High-performance benchmark: what each remedy of notebook 09 buys when training the course CNN.

One model (notebook 03's ``course_cnn``, compiled and timed by notebook 09's ``new_cnn`` and ``timed_fit``),
Fashion-MNIST, images per second (stalls count: an epoch is timed from the previous epoch's end, the first epoch
is left out because it also traces the graph):

1. the feed, batch 128: NumPy arrays into ``fit`` (the plain version every speed-up is measured against),
   notebook 09's autotuned tf.data recipe (``autotuned_dataset``) and ``data.to_dataset``; for each also
   the longest first step of epochs 2.., where the epoch-start stall shows;
2. batch sizes through ``to_dataset``: images per second, and test accuracy after the same epochs;
3. XLA (``jit_compile=True``) and mixed precision (``mixed_float16``);
4. ``MirroredStrategy`` over ``distributed.replica_devices()`` (every GPU where there are two or more,
   else two logical CPU devices), global batch 128;
5. notebook 09's data-parallel custom loop ``train`` (the course CNN without batch norm and dropout) in one process
   and in two worker processes on 127.0.0.1 (CPU).

Every configuration but the XLA one compiles with ``jit_compile=False``: Keras' default turns XLA on for a
GPU, and the plain version must be the same everywhere.
"""
from __future__ import annotations

import contextlib

import keras
import tensorflow as tf

from course_utils import data, distributed, performance, runtime
from course_utils.lessons.high_performance_training import autotuned_dataset, new_cnn, timed_fit, train

from .results import make_row

PLAIN = "NumPy arrays into fit (plain)"


def _fit(fit_data: dict, epochs: int, policy: str = "float32", jit_compile: bool = False, strategy=None):
    """Train a fresh CNN under a dtype policy and a strategy; return (timer, model)."""
    keras.utils.set_random_seed(42)
    with performance.dtype_policy(policy), (strategy.scope() if strategy else contextlib.nullcontext()):
        model = new_cnn(jit_compile)
    return timed_fit(model, epochs, **fit_data), model


def run() -> list[dict]:
    distributed.split_cpu(2)  # before TensorFlow starts (benchmarks.run does it too when several benchmarks run)
    profile = runtime.setup(seed=42, deterministic=False)  # fast kernels, and XLA (Keras disables it with determinism)
    n_train = profile.pick(ci=512, lite=60_000, full=60_000)  # ci: only that every configuration runs (a test)
    feed_epochs = profile.pick(ci=3, lite=4, full=4)
    epochs = profile.pick(ci=2, lite=2, full=2)
    batch_sizes = profile.pick(ci=[64, 256], lite=[32, 128, 512, 2048], full=[32, 128, 512, 2048])
    steps = profile.pick(ci=3, lite=60, full=60)
    n_test = profile.pick(ci=500, lite=10_000, full=10_000)

    (x_train, y_train), (x_test, y_test) = data.load("fashion_mnist")
    images, labels = x_train[:n_train], y_train[:n_train]
    x, x_eval, y_eval = data.as_input(images), data.as_input(x_test[:n_test]), y_test[:n_test]
    rows, speed = [], {}

    def record(name: str, timer: performance.EpochTimer, n_epochs: int) -> None:
        speed[name] = timer.images_per_second(n_train)
        rows.append(make_row("hpc", name, "fashion_mnist", n_train, n_epochs, timer.steady_seconds(),
                             "images_per_second", speed[name]))

    feeds = {
        PLAIN: dict(x=x, y=labels, batch_size=128),
        "tf.data autotuned (map, cache, shuffle, prefetch)": dict(x=autotuned_dataset(images, labels, 128, seed=0)),
        "data.to_dataset": dict(x=data.to_dataset(x, labels, 128, shuffle=True, seed=0)),
    }
    for name, fit_data in feeds.items():
        timer, _ = _fit(fit_data, feed_epochs)
        record(name, timer, feed_epochs)
        rows.append(make_row("hpc", name, "fashion_mnist", n_train, feed_epochs, timer.steady_seconds(),
                             "longest_epoch_start_s", max(timer.first_step[1:])))
        print(f"{name}: epochs {[round(s, 1) for s in timer.seconds]} s, first steps {[round(s, 2) for s in timer.first_step]} s")

    for size in batch_sizes:
        name = f"data.to_dataset, batch {size}"
        timer, model = _fit(dict(x=data.to_dataset(x, labels, size, shuffle=True, seed=0)), epochs)
        record(name, timer, epochs)
        accuracy = model.evaluate(data.to_dataset(x_eval, y_eval, 1024), verbose=0)[1]
        rows.append(make_row("hpc", name, "fashion_mnist", n_train, epochs, timer.steady_seconds(), "test_accuracy", accuracy))

    to_dataset = dict(x=data.to_dataset(x, labels, 128, shuffle=True, seed=0))
    for name, policy, jit in [("XLA (jit_compile=True)", "float32", True), ("mixed_float16", "mixed_float16", False)]:
        timer, model = _fit(to_dataset, epochs, policy=policy, jit_compile=jit)
        record(name if model.jit_compile == jit else f"{name}, but Keras left XLA off", timer, epochs)

    devices = distributed.replica_devices()
    timer, _ = _fit(to_dataset, epochs, strategy=tf.distribute.MirroredStrategy(devices))
    kind = "GPUs" if "GPU" in devices[0] else "logical CPU devices"
    record(f"MirroredStrategy, {len(devices)} replicas on {kind}", timer, epochs)

    single = train(tf.distribute.OneDeviceStrategy("/cpu:0"), steps, per_replica_batch=64)
    workers = distributed.launch_local(workers=2, steps=steps, per_replica_batch=32)
    for name, result in [("custom loop, 1 process (CPU)", single), ("custom loop, 2 worker processes (CPU)", workers[0])]:
        speed[name] = result["images_per_second"]
        rows.append(make_row("hpc", name, "mnist", steps * 64, 1, steps * 64 / speed[name], "images_per_second", speed[name]))

    print(f"\n{'configuration':56s} {'images/s':>9s} {'speed-up':>9s}")
    for name, value in speed.items():
        base = speed["custom loop, 1 process (CPU)"] if name.startswith("custom loop") else speed[PLAIN]
        print(f"{name:56s} {value:9,.0f} {value / base:8.2f}x")
    return rows
