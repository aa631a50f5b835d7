"""Train the course's generator checkpoints: data/checkpoints/dcgan_generator.keras and cgan_generator.keras.

    COURSE_PROFILE=full .venv/bin/python tools/train_generators.py [dcgan] [cgan]

Trains notebook 07's ``GAN`` (``course_utils.lessons.gan``, exported from the notebook): the DCGAN's
``dcgan_generator()`` against ``dcgan_discriminator()``, then ``conditional_generator()`` against
``conditional_discriminator()``, on ``gan_batches`` of 32 of the 60,000 training digits of ``data.load("mnist")``.
After every ``JUDGE_STEPS`` steps or so (every epoch on all of MNIST, every 10 on the 4,000-digit stand-in) the course's
digit classifier judges 1,000 samples of the averaged generator drawn with noise seed 1; the generator with the most
confident samples among those covering every class with >= 5% is kept. The kept generator is then judged on fresh
samples (seed 0, the seed notebook 07 and the benchmark use), saved without optimizer state, and its numbers and
sha256 printed for the registry (course_utils/data.py) and data/README.md.
"""
import json
import sys
from pathlib import Path

import keras

from course_utils import data, judging, performance, runtime
from course_utils.lessons.gan import (GAN, ConditionalGAN, conditional_discriminator, conditional_generator, dcgan_discriminator,
                                      dcgan_generator, gan_batches)

ROOT = Path(__file__).resolve().parent.parent
JUDGE_STEPS = 1250
BATCH = 32


def train(kind: str, epochs: int, x, y, classifier) -> dict:
    conditional = kind == "cgan"
    if conditional:
        gan = ConditionalGAN(conditional_generator(), conditional_discriminator(), seed=42)
    else:
        gan = GAN(dcgan_generator(), dcgan_discriminator(), seed=42)
    gan.compile()
    train_set = gan_batches(x, y if conditional else None, BATCH)
    out = ROOT / "data" / "checkpoints" / f"{kind}_generator.keras"
    every = max(1, round(JUDGE_STEPS * BATCH / len(x)))  # epochs between judgements
    best, done, timer = None, 0, performance.EpochTimer()  # one timer over the chunks: judging is not counted
    for epoch in sorted({*range(every, epochs + 1, every), epochs}):  # the last epoch is always judged
        gan.fit(train_set, epochs=epoch, initial_epoch=done, verbose=0, callbacks=[timer])
        done = epoch
        verdict = judging.judge_generator(gan.ema_generator, classifier, seed=1, conditional=conditional)
        print(f"{kind} epoch {epoch}: confident {verdict['confident']:.3f}, smallest class share "
              f"{verdict['smallest_share']:.3f}" + (f", as asked {verdict['as_asked']:.3f}" if conditional else ""), flush=True)
        score = verdict["confident"] if verdict["smallest_share"] >= 0.05 else verdict["confident"] - 1
        if best is None or score > best[0]:
            best = (score, epoch)
            gan.ema_generator.save(out)  # the file always holds the best generator so far
    verdict = judging.judge_generator(keras.models.load_model(out, safe_mode=True), classifier, seed=0,
                                      conditional=conditional)
    source = "mnist" if len(x) >= 60_000 else "mnist_5k (the offline stand-in for MNIST)"
    return {"checkpoint": str(out.relative_to(ROOT)), "trained_on": f"{source}, {len(x)} training images",
            "epochs_run": epochs, "kept_epoch": best[1], "seconds_per_epoch": round(timer.steady_seconds(), 1),
            "confident": verdict["confident"], "smallest_share": verdict["smallest_share"],
            **({"as_asked": verdict["as_asked"]} if conditional else {}),
            "sha256": data.sha256(out), "bytes": out.stat().st_size, "keras": keras.__version__}


def main(kinds: list[str]) -> int:
    profile = runtime.setup(seed=42)
    (x_train, y_train), _ = data.load("mnist")
    # full: 15,000 and 5,600 steps on all of MNIST (on the 4,000-digit stand-in: 50 and 40 epochs, 6,250 and 5,000 steps)
    full = {"dcgan": 8, "cgan": 3} if len(x_train) >= 60_000 else {"dcgan": 50, "cgan": 40}
    epochs = {kind: profile.pick(ci=1, lite=max(1, n // 2), full=n) for kind, n in full.items()}
    classifier = judging.digit_classifier()
    for kind in kinds or ["dcgan", "cgan"]:
        print(json.dumps(train(kind, epochs[kind], x_train, y_train, classifier), indent=1), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
