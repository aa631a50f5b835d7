"""Generative benchmark: the targets of notebooks 05-07.

- VAE with a 2-D latent (notebook 06's ``VAE`` trained by its ``fit_vae``, from ``course_utils.lessons.vae``):
  held-out loss per image, summed binary cross-entropy + KL, on the test images; 10% of the training images
  validate for early stopping.
- Anomaly detection (notebook 05's ``dense_autoencoder``, ``fit_autoencoder`` and ``reconstruction_error``): a
  dense autoencoder (bottleneck 32) trained on digits scores 1,000 test digits against 1,000 Fashion-MNIST images;
  ROC AUC of its reconstruction error, and of the amount of ink. Then notebook 05's harder case: the same
  autoencoder trained on every digit but 7, scoring all test digits; ROC AUC for telling the 7s apart.
- The course's digit classifier checkpoint: its test accuracy, on all 10,000 test digits, and the share of the first
  1,000 test digits it calls with confidence >= 0.9 (what the generators' samples are measured against).
- The course's generator checkpoints (trained by ``tools/train_generators.py`` under ``full``), judged by the
  course's digit classifier on 1,000 samples (noise seed 0): the share classified with confidence >= 0.9 and
  the rarest class's share (DCGAN), and the share drawn as the digit asked for and the confident share (conditional
  GAN).

The dataset column names what ``data.load("mnist")`` found: all of MNIST, or (where no copy can be had) the 5,000-digit
stand-in.
"""
from __future__ import annotations

import keras
import numpy as np
from sklearn.metrics import roc_auc_score

from course_utils import data, judging, performance, runtime
from course_utils.lessons.autoencoders import dense_autoencoder, fit_autoencoder, reconstruction_error
from course_utils.lessons.vae import VAE, fit_vae, vae_decoder, vae_encoder

from .results import make_row

N_JUDGED = 1000
# What the shipped generator checkpoints were trained on (tools/train_generators.py prints it; data/README.md).
CHECKPOINT_DATA, CHECKPOINT_N_TRAIN = "mnist", 60_000
CLASSIFIER_N_TRAIN, CLASSIFIER_EPOCHS = 60_000, 30  # the digit classifier's (tools/train_digit_classifier.py)


def _digits():
    (x_train, y_train), (x_test, y_test) = data.load("mnist")
    name = "mnist" if len(x_train) >= 60_000 else "mnist_5k"
    return name, data.as_input(x_train), y_train, data.as_input(x_test), y_test


def train_vae(name, x_train, x_test, epochs: int, patience: int = 5, callbacks=()):
    """Notebook 06's 2-D VAE trained by its ``fit_vae`` (seed 42): (the benchmark's row, the trained VAE).
    ``tools/train_vae_decoder.py`` saves this VAE's decoder, so the checkpoint and the row come from one run."""
    keras.utils.set_random_seed(42)
    n_val = len(x_train) // 10
    vae = VAE(vae_encoder(2), vae_decoder(2))
    timer = performance.EpochTimer()
    history = fit_vae(vae, x_train, epochs, patience, callbacks=[*callbacks, timer])
    seconds = timer.steady_seconds()
    test = vae.evaluate(data.to_dataset(x_test, batch_size=256), return_dict=True, verbose=0)
    print(f"vae: test loss {test['loss']:.1f} (kl {test['kl']:.2f}) after {len(history.epoch)} epochs", flush=True)
    return make_row("gen", "vae (2-D latent)", name, len(x_train) - n_val, len(history.epoch), seconds,
                    "test_loss_per_image (bce sum + kl)", test["loss"]), vae


def anomaly_rows(name, x_train, y_train, x_test, y_test, epochs: int) -> list[dict]:
    keras.utils.set_random_seed(42)
    _, _, autoencoder = dense_autoencoder(bottleneck=32)
    timer = performance.EpochTimer()
    fit_autoencoder(autoencoder, x_train, x_train, epochs, callbacks=[timer])
    seconds = timer.steady_seconds()
    fashion = data.as_input(data.load("fashion_mnist")[1][0][:N_JUDGED])
    normal = x_test[:N_JUDGED]
    is_anomaly = np.r_[np.zeros(len(normal)), np.ones(len(fashion))]
    scores = np.r_[reconstruction_error(autoencoder, normal), reconstruction_error(autoencoder, fashion)]
    ink = np.r_[normal.mean(axis=(1, 2, 3)), fashion.mean(axis=(1, 2, 3))]
    dataset = f"{name} digits vs fashion_mnist"
    rows = [make_row("gen", "dense autoencoder (32): reconstruction error", dataset, len(x_train), epochs, seconds,
                     "roc_auc", roc_auc_score(is_anomaly, scores)),
            make_row("gen", "amount of ink (baseline)", dataset, len(x_train), 0, 0, "roc_auc", roc_auc_score(is_anomaly, ink))]
    keras.utils.set_random_seed(42)
    _, _, without_sevens = dense_autoencoder(bottleneck=32)
    keep = y_train != 7
    fit_autoencoder(without_sevens, x_train[keep], x_train[keep], epochs)
    sevens_auc = roc_auc_score(y_test == 7, reconstruction_error(without_sevens, x_test))
    rows.append(make_row("gen", "dense autoencoder (32) trained without 7s: reconstruction error", f"{name} 7s vs other digits",
                         int(keep.sum()), epochs, seconds, "roc_auc", sevens_auc))
    return rows


def checkpoint_rows(name, x_test, y_test, n: int) -> list[dict]:
    """The shipped checkpoints: the classifier on the test digits ``x_test`` (network inputs), the generators judged."""
    classifier = judging.digit_classifier()
    probabilities = classifier.predict(x_test, verbose=0)
    accuracy = float((probabilities.argmax(axis=1) == y_test).mean())
    real = judging.judge(probabilities[:n])  # the anchor for the generators: real digits, judged the same way
    dcgan = judging.judge_generator(data.load("dcgan_generator"), classifier, n)
    cgan = judging.judge_generator(data.load("cgan_generator"), classifier, n, conditional=True)

    def row(model, metric, value):
        return make_row("gen", model, CHECKPOINT_DATA, CHECKPOINT_N_TRAIN, 0, 0, metric, value)

    return [make_row("gen", "digit_cnn checkpoint (judges the generators)", name, CLASSIFIER_N_TRAIN, CLASSIFIER_EPOCHS, 0,
                     "test_accuracy", accuracy),
            make_row("gen", "real test digits: confident", name, 0, 0, 0, "share_confidence_>=_0.9", real["confident"]),
            row("dcgan checkpoint: confident samples", "share_confidence_>=_0.9", dcgan["confident"]),
            row("dcgan checkpoint: rarest class", "smallest_class_share", dcgan["smallest_share"]),
            row("cgan checkpoint: digit as asked", "share_classified_as_asked", cgan["as_asked"]),
            row("cgan checkpoint: confident samples", "share_confidence_>=_0.9", cgan["confident"])]


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    name, x_train, y_train, x_test, y_test = _digits()
    subset = profile.pick(ci=1000, lite=None, full=None)
    x_train, y_train = x_train[:subset], y_train[:subset]
    rows = [train_vae(name, x_train, x_test, epochs=profile.pick(ci=1, lite=60, full=60))[0]]
    rows += anomaly_rows(name, x_train, y_train, x_test, y_test, epochs=profile.pick(ci=1, lite=20, full=20))
    rows += checkpoint_rows(name, x_test, y_test, n=profile.pick(ci=200, lite=N_JUDGED, full=N_JUDGED))
    return rows
