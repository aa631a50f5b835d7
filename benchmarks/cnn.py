"""CNN benchmark: the keras.io mnist_convnet fed two ways, and the course's own CNN.

1. keras.io's "Simple MNIST convnet" (34,826 parameters, batch 128) fed as that example feeds it,
   NumPy arrays straight into ``fit``, and fed through ``course_utils.data.to_dataset``; same data
   (all training images: the example's 10 % validation split is left out so that both feeds see the
   same ones), same epochs, same seed. Prints the ratio of seconds per epoch.
2. notebook 03's ``course_cnn``, trained by its ``fit_classifier`` (both from ``course_utils.lessons.mnist_cnn``),
   on Fashion-MNIST and on MNIST (or the 5,000-digit stand-in where the full MNIST is not available offline):
   test accuracy and seconds per epoch.

Seconds per epoch: wall clock from one epoch's end to the next (so stalls at epoch starts count),
averaged over epochs 2..N (epoch 1 also traces the graph).
"""
from __future__ import annotations

from course_utils import data, performance, runtime
from course_utils.lessons.mnist_cnn import course_cnn, evaluate_accuracy, fit_classifier, mnist_convnet

from .results import make_row


def reference_feed(model, x, y, epochs: int, test) -> tuple[float, float]:
    """keras.io's recipe as the example writes it (Adam, NumPy arrays into ``fit``, batch 128):
    (seconds per epoch, test accuracy)."""
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    timer = performance.EpochTimer()
    model.fit(x, y, batch_size=128, epochs=epochs, verbose=2, callbacks=[timer])
    return timer.steady_seconds(), evaluate_accuracy(model, *test)


def course_feed(model, x, y, epochs: int, test, optimizer=None) -> tuple[float, float]:
    """Notebook 03's ``fit_classifier`` (batches through ``data.to_dataset``): (seconds per epoch, test accuracy)."""
    timer = performance.EpochTimer()
    fit_classifier(model, x, y, epochs, optimizer=optimizer, callbacks=[timer])
    return timer.steady_seconds(), evaluate_accuracy(model, *test)


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    feed_epochs = profile.pick(ci=2, lite=3, full=5)
    cnn_epochs = profile.pick(ci=4, lite=5, full=15)
    n_train = profile.pick(ci=2_000, lite=60_000, full=60_000)
    rows = []

    (x_train, y_train), (x_test, y_test) = data.load("fashion_mnist")
    x_train, y_train = x_train[:n_train], y_train[:n_train]
    xf, xtf = data.as_input(x_train), data.as_input(x_test)  # keras.io's preprocessing

    runtime.setup(seed=42)
    ref_s, ref_acc = reference_feed(mnist_convnet(), xf, y_train, feed_epochs, (xtf, y_test))
    rows.append(make_row("cnn", "mnist_convnet reference (NumPy arrays into fit)", "fashion_mnist", n_train,
                         feed_epochs, ref_s, "test_accuracy", ref_acc))
    runtime.setup(seed=42)
    ours_s, ours_acc = course_feed(mnist_convnet(), xf, y_train, feed_epochs, (xtf, y_test), optimizer="adam")
    rows.append(make_row("cnn", "mnist_convnet (course_utils.data.to_dataset)", "fashion_mnist", n_train,
                         feed_epochs, ours_s, "test_accuracy", ours_acc))
    print(f"\nSame model, same data: {ref_s:.1f} s/epoch with NumPy arrays, {ours_s:.1f} s/epoch through "
          f"to_dataset: {ref_s / ours_s:.2f}x faster (test accuracy {ref_acc:.4f} vs {ours_acc:.4f}).\n")

    for name in ("fashion_mnist", "mnist"):
        (x_train, y_train), (x_test, y_test) = data.load(name)
        dataset = name if len(x_train) >= 60_000 else f"{name} (mnist_5k stand-in)"
        x_train, y_train = data.as_input(x_train[:n_train]), y_train[:n_train]
        runtime.setup(seed=42)
        seconds, accuracy = course_feed(course_cnn(), x_train, y_train, cnn_epochs, (data.as_input(x_test), y_test))
        rows.append(make_row("cnn", "course_cnn", dataset, len(x_train), cnn_epochs, seconds, "test_accuracy", accuracy))
        print(f"\ncourse_cnn on {dataset}: test accuracy {accuracy:.4f} after {cnn_epochs} epochs, {seconds:.1f} s/epoch\n")
    return rows
