"""Train the course's detection checkpoint, data/checkpoints/detector.keras.

    .venv/bin/python tools/train_detector.py [--epochs 10]

Trains notebook 15's ``grid_detector`` (a single-shot detector in YOLO's style) with its ``fit_detector`` and
``detection_loss`` (``course_utils.lessons.detection``, exported from the notebook) on scenes that place every one of
MNIST's 60,000 training digits once (seed 1, as the notebook's ``full`` profile does), saves it without optimizer
state and prints what to paste into the ``detector`` registry entry (sha256) and data/README.md. Its mAP on the test
scenes is measured by ``make bench BENCH=vision``.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import keras
import numpy as np

from course_utils import data, runtime, scenes
from course_utils.lessons.detection import encode_boxes, fit_detector, grid_detector

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "checkpoints" / "detector.keras"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    runtime.setup(seed=42)
    (x_train, y_train), _ = data.load("mnist")
    train = scenes.compose(x_train, y_train, None, seed=1, every_item_once=True)
    targets = np.stack([encode_boxes(boxes)[0] for boxes in train.boxes])
    keras.utils.set_random_seed(0)
    model = grid_detector()
    started = time.perf_counter()
    history = fit_detector(model, train.images, targets, args.epochs)
    seconds = time.perf_counter() - started
    plain = grid_detector()  # an uncompiled copy: no optimizer state in the file
    plain.set_weights(model.get_weights())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    plain.save(OUT)
    info = {"trained_on": f"{len(train.images):,} scenes of all {len(x_train):,} MNIST training digits",
            "epochs": args.epochs, "seconds": round(seconds), "final_loss": round(float(history.history["loss"][-1]), 4),
            "sha256": data.sha256(OUT), "bytes": OUT.stat().st_size, "keras": keras.__version__}
    print(json.dumps(info, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
