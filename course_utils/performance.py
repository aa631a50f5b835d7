"""Where training time goes: images per second, input time against compute time, epoch-start stalls,
and what the device offers (XLA, mixed precision).

    >>> from course_utils import performance
    >>> timer = performance.EpochTimer()
    >>> model.fit(dataset, epochs=3, callbacks=[timer], verbose=0)   # trains a model  # doctest: +SKIP
    >>> timer.images_per_second(len(x_train))                            # doctest: +SKIP
    1843.2
"""
from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from typing import Iterator

import keras
import numpy as np


class EpochTimer(keras.callbacks.Callback):
    """Record the wall-clock seconds of each epoch and of each epoch's first training step.

    An epoch is timed from the previous epoch's end (the first from the start of training), so a stall
    between epochs counts. A stall at an epoch's start shows in ``first_step``: the first step then takes
    seconds instead of milliseconds. One timer passed to several ``fit`` calls (training resumed in chunks)
    keeps every epoch; the time between the calls does not count.

    >>> timer = EpochTimer()
    >>> timer.seconds, timer.first_step
    ([], [])
    """

    async_safe = True  # lets Keras call the batch hook off the training thread: timing does not slow training

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []
        self.first_step: list[float] = []

    def on_train_begin(self, logs=None):
        self._last = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if batch == 0:
            self.first_step.append(time.perf_counter() - self._epoch_start)

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        self.seconds.append(now - self._last)
        self._last = now

    def steady_seconds(self) -> float:
        """Mean seconds per epoch, leaving out the first epoch (it also traces the graph) when there are more.
        Stalls count: they are part of what training costs."""
        if not self.seconds:
            raise ValueError("no epoch was timed: pass the timer to fit(callbacks=[timer]) and train first.")
        return float(np.mean(self.seconds[1:] if len(self.seconds) > 1 else self.seconds))

    def images_per_second(self, images_per_epoch: int) -> float:
        """Throughput: images in one epoch divided by ``steady_seconds()``."""
        return images_per_epoch / self.steady_seconds()


def input_seconds(dataset) -> float:
    """Seconds to produce one epoch of batches from ``dataset`` with no model attached: the input time.

    >>> input_seconds(data.to_dataset(x, y, 128))   # a time: depends on the machine  # doctest: +SKIP
    0.21
    """
    start = time.perf_counter()
    for _ in dataset:
        pass
    return time.perf_counter() - start


def compute_seconds(model, x_batch: np.ndarray, y_batch: np.ndarray, steps: int) -> float:
    """Seconds for ``steps`` training steps of a compiled ``model`` on one batch already in memory:
    the compute time of an epoch of ``steps`` batches, with (almost) no input work. It runs two such
    epochs (the first also traces the step) and the model trains on that batch: pass one you do not need.

    >>> compute_seconds(model, x[:128], y[:128], steps=len(x) // 128)   # a time: depends on the machine  # doctest: +SKIP
    1.94
    """
    from .data import to_dataset

    timer = EpochTimer()
    batches = to_dataset(x_batch, y_batch, batch_size=len(x_batch)).repeat(steps)  # no autotuning: no epoch-start stall
    model.fit(batches, epochs=2, callbacks=[timer], verbose=0)  # epoch 1 also traces the step: time epoch 2
    return timer.seconds[1]


@contextlib.contextmanager
def dtype_policy(name: str) -> Iterator[None]:
    """Build layers under Keras dtype policy ``name`` (e.g. ``"mixed_float16"``), then restore the old one.

    >>> with dtype_policy("mixed_float16"):
    ...     layer = keras.layers.Dense(4)
    >>> layer.compute_dtype, layer.variable_dtype, keras.config.dtype_policy().name
    ('float16', 'float32', 'float32')
    """
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(before)


@dataclass(frozen=True)
class Accelerator:
    """What TensorFlow computes on, and what that means for the speed-ups taught in notebook 09.

    >>> Accelerator("GPU", "NVIDIA H100", (9, 0)).mixed_precision_helps
    True
    >>> Accelerator("CPU", "2 CPU cores", None).mixed_precision_helps
    False
    """

    kind: str                                      # "GPU" or "CPU"
    name: str
    compute_capability: tuple[int, int] | None     # GPUs only

    @property
    def mixed_precision_helps(self) -> bool:
        """float16 runs on tensor cores from compute capability 7.0 (Volta) on; CPUs emulate it slowly."""
        return self.kind == "GPU" and (self.compute_capability or (0, 0)) >= (7, 0)

    def describe(self) -> str:
        """One sentence on the device and on what XLA and mixed precision can be expected to do on it."""
        if self.kind == "CPU":
            return (f"Training runs on the CPU ({self.name}). Keras leaves XLA off here, and float16 has no fast "
                    "hardware path on most CPUs: expect no gain from either, possibly a loss.")
        capability = ".".join(map(str, self.compute_capability)) if self.compute_capability else "unknown"
        cores = "has tensor cores" if self.mixed_precision_helps else "has no tensor cores"
        return (f"Training runs on the GPU {self.name} (compute capability {capability}), which {cores}. Keras "
                "compiles with XLA by default on a GPU (jit_compile='auto'); mixed precision "
                + ("typically speeds up convolutions and matrix products by 1.5-3x here." if self.mixed_precision_helps
                   else "saves memory but gains little speed here."))


def accelerator() -> Accelerator:
    """The device training uses: the first GPU TensorFlow sees, else the CPU.

    >>> accelerator().kind in ("CPU", "GPU")
    True
    """
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return Accelerator("CPU", f"{os.cpu_count()} CPU cores", None)
    details = tf.config.experimental.get_device_details(gpus[0])
    return Accelerator("GPU", details.get("device_name", gpus[0].name), details.get("compute_capability"))
