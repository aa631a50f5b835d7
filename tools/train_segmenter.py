"""Train the course's segmentation checkpoint, data/checkpoints/segmenter.keras.

    .venv/bin/python tools/train_segmenter.py [--epochs 10]

Trains notebook 14's ``segmenter`` (a small U-Net) with its ``fit_segmenter`` (``course_utils.lessons.segmentation``,
exported from the notebook) on scenes that place every one of MNIST's 60,000 training digits once (seed 1, as the
notebook's ``full`` profile does), judges it on the scenes of all 10,000 test digits (seed 2), saves it without
optimizer state and prints what to paste into the ``segmenter`` registry entry (sha256) and data/README.md.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import keras
import numpy as np

from course_utils import by_hand, data, runtime, scenes
from course_utils.lessons.segmentation import fit_segmenter, predict_masks, segmenter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "checkpoints" / "segmenter.keras"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    runtime.setup(seed=42)
    (x_train, y_train), (x_test, y_test) = data.load("mnist")
    train = scenes.compose(x_train, y_train, None, seed=1, every_item_once=True)
    test = scenes.compose(x_test, y_test, None, seed=2, every_item_once=True)
    keras.utils.set_random_seed(0)
    model = segmenter()
    started = time.perf_counter()
    fit_segmenter(model, train.images, train.masks, args.epochs)
    seconds = time.perf_counter() - started
    predicted = predict_masks(model, test.images)
    ious = by_hand.iou_per_class(test.masks, predicted, 11)
    plain = segmenter()  # an uncompiled copy: no optimizer state in the file
    plain.set_weights(model.get_weights())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    plain.save(OUT)
    info = {"trained_on": f"{len(train.images):,} scenes of all {len(x_train):,} MNIST training digits",
            "epochs": args.epochs, "seconds": round(seconds), "test_scenes": len(test.images),
            "mean_digit_iou": round(float(np.mean(ious[1:])), 4), "background_iou": round(float(ious[0]), 4),
            "sha256": data.sha256(OUT), "bytes": OUT.stat().st_size, "keras": keras.__version__}
    print(json.dumps(info, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
