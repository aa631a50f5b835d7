"""Train the course's VAE decoder checkpoint: data/checkpoints/vae_decoder.keras (2-D latent space).

    COURSE_PROFILE=full .venv/bin/python tools/train_vae_decoder.py

Trains notebook 06's ``VAE`` with a 2-D latent space by its ``fit_vae`` (``course_utils.lessons.vae``, exported
from the notebook: Adam 1e-3, batch 64, a tenth of the training digits held back, early stopping with patience 5,
best weights kept) on ``data.load("mnist")`` (the full MNIST where present, otherwise the 5,000-digit stand-in),
then saves the decoder alone (z -> image in [0, 1]) and prints the held-out test loss and the sha256 for the
registry and data/README.md. The generative slide deck draws its latent grid with it.
"""
import json
import sys
import time
from pathlib import Path

import keras

from course_utils import data, runtime
from course_utils.lessons.vae import VAE, fit_vae, vae_decoder, vae_encoder

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    profile = runtime.setup(seed=42)
    epochs = profile.pick(ci=2, lite=60, full=60)
    (x_train, _), (x_test, _) = data.load("mnist")
    x_train, x_test = data.as_input(x_train), data.as_input(x_test)
    n_val = len(x_train) // 10
    vae = VAE(vae_encoder(2), vae_decoder(2))
    start = time.perf_counter()
    history = fit_vae(vae, x_train, epochs)
    seconds = time.perf_counter() - start
    test = vae.evaluate(data.to_dataset(x_test, batch_size=256), verbose=0, return_dict=True)
    out = ROOT / "data" / "checkpoints" / "vae_decoder.keras"
    vae.decoder.save(out)
    source = "mnist" if len(x_train) >= 60_000 else "mnist_5k (the offline stand-in for MNIST)"
    print(json.dumps({"checkpoint": str(out.relative_to(ROOT)), "trained_on": f"{source}, {len(x_train) - n_val} images",
                      "epochs_run": len(history.epoch), "seconds_per_epoch": round(seconds / len(history.epoch), 1),
                      "test_loss_per_image": round(float(test["loss"]), 1), "test_kl": round(float(test["kl"]), 2),
                      "sha256": data.sha256(out), "bytes": out.stat().st_size, "keras": keras.__version__}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
