"""course_utils.performance: the timer, the input and compute split, the pipelines and the device report."""
import time

import keras
import numpy as np
import pytest

from course_utils import data, performance
from course_utils.lessons.high_performance_training import autotuned_dataset


def tiny_model():
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@pytest.fixture
def digits():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (256, 28, 28), dtype=np.uint8), rng.integers(0, 10, 256)


def test_epoch_timer_times_every_epoch_and_every_first_step(digits):
    images, labels = digits
    timer = performance.EpochTimer()
    tiny_model().fit(data.to_dataset(data.as_input(images), labels, 64), epochs=3, callbacks=[timer], verbose=0)
    assert len(timer.seconds) == len(timer.first_step) == 3
    assert all(0 < first <= epoch for first, epoch in zip(timer.first_step, timer.seconds))
    assert timer.steady_seconds() == pytest.approx(np.mean(timer.seconds[1:]))
    assert timer.images_per_second(256) == pytest.approx(256 / timer.steady_seconds())


def test_one_timer_over_resumed_training_keeps_every_epoch_and_not_the_pause_between(digits):
    images, labels = digits
    timer, model, batches = performance.EpochTimer(), tiny_model(), data.to_dataset(data.as_input(images), labels, 64)
    start = time.perf_counter()
    model.fit(batches, epochs=2, callbacks=[timer], verbose=0)
    time.sleep(1.0)  # judging samples between two chunks of training, say
    model.fit(batches, epochs=3, initial_epoch=2, callbacks=[timer], verbose=0)
    assert len(timer.seconds) == len(timer.first_step) == 3
    assert sum(timer.seconds) < time.perf_counter() - start - 1.0  # the pause is in the wall clock, not the epochs


def test_an_untimed_timer_says_how_to_use_it():
    with pytest.raises(ValueError, match="callbacks=\\[timer\\]"):
        performance.EpochTimer().steady_seconds()


def test_input_seconds_draws_a_whole_epoch():
    import tensorflow as tf

    produced = []

    def record(i):
        produced.append(int(i))
        return i

    ds = tf.data.Dataset.range(8).map(lambda i: tf.py_function(record, [i], tf.int64))
    assert performance.input_seconds(ds) > 0 and sorted(produced) == list(range(8))


def test_compute_seconds_trains_on_one_batch_for_two_epochs_of_steps(digits):
    images, labels = digits
    model = tiny_model()
    before = [w.copy() for w in model.get_weights()]
    assert performance.compute_seconds(model, data.as_input(images[:32]), labels[:32], steps=5) > 0
    assert int(model.optimizer.iterations) == 10
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_autotuned_dataset_converts_shuffles_and_covers_every_image_once_per_epoch(digits):
    images, labels = digits
    ds = autotuned_dataset(images, np.arange(256), 100, seed=0)
    first = [(x.numpy(), y.numpy()) for x, y in ds]
    assert [len(y) for _, y in first] == [100, 100, 56]
    x, order = np.concatenate([b[0] for b in first]), np.concatenate([b[1] for b in first])
    assert x.dtype == np.float32 and x.shape == (256, 28, 28, 1) and 0 <= x.min() and x.max() <= 1
    assert sorted(order) == list(range(256)) and list(order) != list(range(256))
    np.testing.assert_allclose(x[:, :, :, 0], images[order] / 255, rtol=1e-6)
    second = np.concatenate([y.numpy() for _, y in ds])
    assert list(second) != list(order)  # reshuffled every epoch


def test_dtype_policy_applies_inside_and_is_restored_even_after_an_error():
    with performance.dtype_policy("mixed_float16"):
        layer = keras.layers.Dense(2)
    assert (layer.compute_dtype, layer.variable_dtype) == ("float16", "float32")
    with pytest.raises(RuntimeError):
        with performance.dtype_policy("mixed_bfloat16"):
            raise RuntimeError("boom")
    assert keras.config.dtype_policy().name == "float32"


@pytest.mark.parametrize("device, helps", [
    (performance.Accelerator("CPU", "2 CPU cores", None), False),
    (performance.Accelerator("GPU", "Tesla P100", (6, 0)), False),
    (performance.Accelerator("GPU", "Tesla V100", (7, 0)), True),
    (performance.Accelerator("GPU", "NVIDIA H100", (9, 0)), True),
])
def test_mixed_precision_advice_follows_tensor_cores(device, helps):
    assert device.mixed_precision_helps is helps
    text = device.describe()
    assert device.name in text
    if device.kind == "GPU":
        assert "XLA by default" in text and ("1.5-3x" in text) is helps
    else:
        assert "no gain" in text


def test_this_machine_is_described():
    device = performance.accelerator()
    assert device.kind in ("CPU", "GPU") and device.describe().startswith("Training runs on the")
