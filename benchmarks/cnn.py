"""CNN benchmark: the keras.io mnist_convnet fed two ways, and the course's own CNN.

1. keras.io's "Simple MNIST convnet" (34,826 parameters, batch 128) fed as that example feeds it,
   NumPy arrays straight into ``fit``, and fed through ``course_utils.data.to_dataset``; same data
   (all training images: the example's 10 % validation split is left out so that both feeds see the
   same ones), same epochs, same seed. Prints the ratio of seconds per epoch.
2. notebook 03's ``course_cnn``, trained by its ``fit_classifier`` (both from ``course_utils.lessons.mnist_cnn``),
   on Fashion-MNIST and on all of MNIST: test accuracy and seconds per epoch.
3. the anchor beside it: keras.io's "Simple MNIST convnet" trained on all of MNIST exactly as the example does
   (15 epochs, batch 128, Adam, 10 % of the training images held out by ``validation_split``, NumPy arrays into
   ``fit``); the example reports a test accuracy of about 99.2 %.
4. the cheapest baseline under both: notebook 03's ``nearest_neighbour``, each test image labelled like the closest
   training image (pixels in [0, 1], Euclidean distance), on Fashion-MNIST and on all of MNIST; no training.

Seconds per epoch: wall clock from one epoch's end to the next (so stalls at epoch starts count),
averaged over epochs 2..N (epoch 1 also traces the graph).
"""
from __future__ import annotations

from course_utils import data, performance, runtime
from course_utils.lessons.mnist_cnn import course_cnn, evaluate_accuracy, fit_classifier, mnist_convnet, nearest_neighbour

from .results import make_row

KERAS_IO_RECIPE = "keras.io simple convnet, as the example trains it (10 % validation split)"


def reference_feed(model, x, y, epochs: int, test) -> tuple[float, float]:
    """keras.io's recipe as the example writes it (Adam, NumPy arrays into ``fit``, batch 128):
    (seconds per epoch, test accuracy)."""
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    timer = performance.EpochTimer()
    model.fit(x, y, batch_size=128, epochs=epochs, verbose=2, callbacks=[timer])
    return timer.steady_seconds(), evaluate_accuracy(model, *test)


def keras_io_recipe(x, y, epochs: int, test) -> tuple[float, float]:
    """keras.io's "Simple MNIST convnet" trained as the example trains it: (seconds per epoch, test accuracy)."""
    model = mnist_convnet()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    timer = performance.EpochTimer()
    model.fit(x, y, batch_size=128, epochs=epochs, validation_split=0.1, verbose=2, callbacks=[timer])
    return timer.steady_seconds(), evaluate_accuracy(model, *test)


def course_feed(model, x, y, epochs: int, test, optimizer=None) -> tuple[float, float]:
    """Notebook 03's ``fit_classifier`` (batches through ``data.to_dataset``): (seconds per epoch, test accuracy)."""
    timer = performance.EpochTimer()
    fit_classifier(model, x, y, epochs, optimizer=optimizer, callbacks=[timer])
    return timer.steady_seconds(), evaluate_accuracy(model, *test)


def sizes() -> dict:
    """The profile's sizes: epochs of the feed comparison and of the CNNs, training images."""
    profile = runtime.setup(seed=42)
    return {"feed_epochs": profile.pick(ci=2, lite=3, full=5), "cnn_epochs": profile.pick(ci=4, lite=5, full=15),
            "n_train": profile.pick(ci=2_000, lite=60_000, full=60_000)}


def fashion_rows(feed_epochs: int, cnn_epochs: int, n_train: int) -> list[dict]:
    """Parts 1 and 2 on Fashion-MNIST: the two feeds of keras.io's model, then the course's CNN."""
    (x_train, y_train), (x_test, y_test) = data.load("fashion_mnist")
    x_train, y_train = x_train[:n_train], y_train[:n_train]
    xf, xtf = data.as_input(x_train), data.as_input(x_test)  # keras.io's preprocessing
    rows = []
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
    runtime.setup(seed=42)
    seconds, accuracy = course_feed(course_cnn(), xf, y_train, cnn_epochs, (xtf, y_test))
    rows.append(make_row("cnn", "course_cnn", "fashion_mnist", n_train, cnn_epochs, seconds, "test_accuracy", accuracy))
    print(f"\ncourse_cnn on fashion_mnist: test accuracy {accuracy:.4f} after {cnn_epochs} epochs, {seconds:.1f} s/epoch\n")
    return rows


def mnist_rows(cnn_epochs: int, n_train: int, **_) -> list[dict]:
    """Parts 2 and 3 on all of MNIST: the course's CNN, and keras.io's recipe beside it."""
    (x_train, y_train), (x_test, y_test) = data.load("mnist")
    dataset = "mnist" if len(x_train) >= 60_000 else "mnist (mnist_5k stand-in)"
    x_train, y_train = data.as_input(x_train[:n_train]), y_train[:n_train]
    test = (data.as_input(x_test), y_test)
    runtime.setup(seed=42)
    seconds, accuracy = course_feed(course_cnn(), x_train, y_train, cnn_epochs, test)
    rows = [make_row("cnn", "course_cnn", dataset, len(x_train), cnn_epochs, seconds, "test_accuracy", accuracy)]
    runtime.setup(seed=42)
    recipe_s, recipe_acc = keras_io_recipe(x_train, y_train, cnn_epochs, test)
    rows.append(make_row("cnn", KERAS_IO_RECIPE, dataset, len(x_train) - len(x_train) // 10, cnn_epochs, recipe_s,
                         "test_accuracy", recipe_acc))
    print(f"\non {dataset}: course_cnn {accuracy:.4f} ({seconds:.1f} s/epoch), keras.io's recipe {recipe_acc:.4f} "
          f"({recipe_s:.1f} s/epoch) after {cnn_epochs} epochs\n")
    return rows


NEAREST = "nearest training image (pixels, no training)"


def neighbour_rows(n_train: int, **_) -> list[dict]:
    """Part 4: the nearest training image's test accuracy on Fashion-MNIST and MNIST (the same training images)."""
    rows = []
    for name in ("fashion_mnist", "mnist"):
        (x_train, y_train), (x_test, y_test) = data.load(name)
        dataset = name if name != "mnist" or len(x_train) >= 60_000 else "mnist (mnist_5k stand-in)"
        x_train, y_train = data.as_input(x_train[:n_train]), y_train[:n_train]
        accuracy = float((nearest_neighbour(x_train, y_train, data.as_input(x_test)) == y_test).mean())
        rows.append(make_row("cnn", NEAREST, dataset, len(x_train), 0, 0.0, "test_accuracy", accuracy))
        print(f"nearest training image on {dataset}: test accuracy {accuracy:.4f}", flush=True)
    return rows


def run() -> list[dict]:
    size = sizes()
    return fashion_rows(**size) + mnist_rows(**size) + neighbour_rows(**size)
