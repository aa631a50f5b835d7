"""Train the course's digit classifier checkpoint, data/checkpoints/digit_cnn.keras, or with ``--dataset
fashion_mnist`` its clothing classifier, data/checkpoints/fashion_cnn.keras (notebook 16's judge).

    COURSE_PROFILE=full .venv/bin/python tools/train_digit_classifier.py
    COURSE_PROFILE=full .venv/bin/python tools/train_digit_classifier.py --dataset fashion_mnist --epochs 15

Trains notebook 03's ``course_cnn`` with its ``fit_classifier`` (``course_utils.lessons.mnist_cnn``, exported from
the notebook) on ``data.load("mnist")`` (the full MNIST where present, otherwise the 5,000-digit stand-in) with the
profile's epochs, saves it without optimizer state, and prints what to paste into the ``digit_cnn`` registry entry
(sha256) and data/README.md. ``--epochs`` replaces the profile's number of epochs.
"""
import argparse
import json
import sys
from pathlib import Path

import keras

from course_utils import data, runtime
from course_utils.lessons.mnist_cnn import course_cnn, evaluate_accuracy, fit_classifier

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = {"mnist": ROOT / "data" / "checkpoints" / "digit_cnn.keras",
           "fashion_mnist": ROOT / "data" / "checkpoints" / "fashion_cnn.keras"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=sorted(OUTPUTS), default="mnist")
    parser.add_argument("--epochs", type=int, default=None, help="default: 1 under ci, 10 under lite, 30 under full")
    args = parser.parse_args()
    profile = runtime.setup(seed=42)
    epochs = args.epochs or profile.pick(ci=1, lite=10, full=30)
    out = OUTPUTS[args.dataset]
    (x_train, y_train), (x_test, y_test) = data.load(args.dataset)
    model = course_cnn()
    fit_classifier(model, data.as_input(x_train), y_train, epochs)
    accuracy = evaluate_accuracy(model, data.as_input(x_test), y_test)
    plain = course_cnn()  # an uncompiled copy: no optimizer state in the file
    plain.set_weights(model.get_weights())
    out.parent.mkdir(parents=True, exist_ok=True)
    plain.save(out)
    source = args.dataset if len(x_train) >= 60_000 else "mnist_5k (the offline stand-in for MNIST)"
    info = {"trained_on": f"{source}, {len(x_train)} training images", "epochs": epochs,
            "test_images": len(x_test), "test_accuracy": round(float(accuracy), 4),
            "sha256": data.sha256(out), "bytes": out.stat().st_size, "keras": keras.__version__}
    print(json.dumps(info, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
