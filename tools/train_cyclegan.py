"""Train the course's CycleGAN checkpoints: data/checkpoints/cyclegan.keras, or with ``--without-cycle`` the
ablation that keeps only the adversarial loss, data/checkpoints/cyclegan_no_cycle.keras.

    .venv/bin/python tools/train_cyclegan.py [--epochs 12] [--without-cycle]

Trains notebook 16's ``cycle_gan`` (two translators, two critics; ``course_utils.lessons.cyclegan``, exported from
the notebook) with its ``fit_cycle_gan`` on all 6,000 sneakers and 6,000 ankle boots of Fashion-MNIST's training
set, unpaired, saves the two translators in one file after every epoch (``both_translators``, no optimizer state),
judges them on the 1,000 + 1,000 test items with the course's Fashion-MNIST classifier (``fashion_cnn``) and prints
what to paste into the registry entry (sha256) and data/README.md.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import keras

from course_utils import data, runtime
from course_utils.lessons.cyclegan import (ANKLE_BOOT, SNEAKER, both_translators, cycle_gan, domain, fit_cycle_gan,
                                           translate, translation_scores)

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--without-cycle", action="store_true", help="cycle and identity weights 0: adversarial only")
    args = parser.parse_args()
    runtime.setup(seed=42)
    name = "cyclegan_no_cycle" if args.without_cycle else "cyclegan"
    out = ROOT / "data" / "checkpoints" / f"{name}.keras"
    (x_train, y_train), (x_test, y_test) = data.load("fashion_mnist")
    sneakers, boots = domain(x_train, y_train, SNEAKER), domain(x_train, y_train, ANKLE_BOOT)
    keras.utils.set_random_seed(0)
    model = cycle_gan(**({"cycle_weight": 0.0, "identity_weight": 0.0} if args.without_cycle else {}))
    out.parent.mkdir(parents=True, exist_ok=True)
    save = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: both_translators(model).save(out))
    started = time.perf_counter()
    fit_cycle_gan(model, sneakers, boots, args.epochs, callbacks=[save])
    seconds = time.perf_counter() - started
    judge = data.load("fashion_cnn")
    test_sneakers, test_boots = domain(x_test, y_test, SNEAKER), domain(x_test, y_test, ANKLE_BOOT)
    info = {"trained_on": f"{len(sneakers):,} sneakers and {len(boots):,} ankle boots (Fashion-MNIST train), unpaired",
            "epochs": args.epochs, "seconds": round(seconds),
            **{key: round(value, 4) for key, value in translation_scores(
                judge, lambda x: translate(model.a_to_b, x), lambda x: translate(model.b_to_a, x), test_sneakers,
                test_boots).items()},
            "sha256": data.sha256(out), "bytes": out.stat().st_size, "keras": keras.__version__}
    print(json.dumps(info, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
