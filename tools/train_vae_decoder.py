"""Train the course's VAE decoder checkpoint, data/checkpoints/vae_decoder.keras (2-D latent space).

    COURSE_PROFILE=full .venv/bin/python tools/train_vae_decoder.py

Trains notebook 06's ``VAE`` with a 2-D latent space by its ``fit_vae`` (``course_utils.lessons.vae``, exported
from the notebook: Adam 1e-3, batch 64, a tenth of the training digits held back, early stopping with patience 5,
best weights kept) on ``data.load("mnist")``, through ``benchmarks.gen.train_vae``, so that the run that makes the
checkpoint also gives the ``gen`` benchmark's VAE row (recorded in benchmarks/results.json). Then saves the decoder
alone (z -> image in [0, 1]) and prints the held-out test loss and the sha256 for the registry and data/README.md.
The generative slide deck draws its latent grid with it.
"""
import json
import sys
from pathlib import Path

import keras

from benchmarks import results
from benchmarks.gen import train_vae
from course_utils import data, runtime

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    profile = runtime.setup(seed=42)
    epochs = profile.pick(ci=2, lite=60, full=60)
    (x_train, _), (x_test, _) = data.load("mnist")
    name = "mnist" if len(x_train) >= 60_000 else "mnist_5k"
    row, vae = train_vae(name, data.as_input(x_train), data.as_input(x_test), epochs)
    out = ROOT / "data" / "checkpoints" / "vae_decoder.keras"
    vae.decoder.save(out)
    if profile.name == "full":
        results.save([row])
    print(json.dumps({"checkpoint": str(out.relative_to(ROOT)), "trained_on": f"{name}, {row['n_train']} images",
                      "epochs_run": row["epochs"], "seconds_per_epoch": row["seconds_per_epoch"],
                      "test_loss_per_image": round(row["value"], 1),
                      "sha256": data.sha256(out), "bytes": out.stat().st_size, "keras": keras.__version__}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
