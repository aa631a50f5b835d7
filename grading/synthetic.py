"""Synthetic classes, for the grading benchmark: ``n`` submissions of a notebook built from its student release, each
answer cell filled with one kind of answer in turn: right (the notebook's own solution), partly right (the first
exercise holds a typical mistake, the rest are right) and empty (handed in as released).

    >>> [kind for kind, _ in kinds("02")]
    ['right', 'partly right', 'empty']
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from course_utils.exercises.regions import solutions
from grading.engine import exercise_mark, instructor_notebook

# One typical mistake per notebook, in its first exercise.
MISTAKES = {
    "00": {"q1": "middle = np.eye(3)"},
    "01": {"q1": "photo_float = photo // 255"},
    "02": {"q1": ("def my_correlate(image, kernel):\n    kh, kw = kernel.shape\n"
                  "    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))\n"
                  "    for i in range(out.shape[0]):\n        for j in range(out.shape[1]):\n"
                  "            out[i, j] = (image[i:i + kh, j:j + kw] * np.flip(kernel)).sum()\n    return out")},
    "03": {"q1": "flat_size, dense_params = 5 * 5 * 128, 5 * 5 * 128 * 128 + 128"},
    "04": {"q1": ("def make_windows(values, window, horizon=1, step=1):\n"
                  "    starts = range(0, len(values) - window - horizon + 1, step)\n"
                  "    x = np.array([values[s:s + window] for s in starts])\n"
                  "    y = np.array([values[s + window + horizon] for s in starts if s + window + horizon < len(values)])\n"
                  "    return x, y")},
    "05": {"q1": ("def noisy_copy(images, std, seed):\n    rng = np.random.default_rng(seed)\n"
                  "    return images + rng.normal(0, std, images.shape)")},
    "06": {"q1": ("def kl_divergence(mu, log_var):\n"
                  "    return 0.5 * ops.sum(1 + log_var - ops.square(mu) - ops.exp(log_var), axis=-1)")},
    "07": {"q1": ("def discriminator_loss(real_logits, fake_logits):\n"
                  "    bce = keras.losses.BinaryCrossentropy(from_logits=True)\n"
                  "    return (bce(ops.ones_like(real_logits), real_logits) + bce(ops.zeros_like(fake_logits), fake_logits)) / 2")},
    "08": {"q1": "fc1_params = 7 * 7 * 512 * 4096"},
    "09": {"q1": ("def epoch_seconds(input_s, compute_s, speedup, prefetch):\n"
                  "    return input_s + compute_s / speedup")},
    "10": {"q1": ("def bigram_bits(train_ids, test_ids, vocab_size):\n    counts = np.zeros((vocab_size, vocab_size))\n"
                  "    np.add.at(counts, (train_ids[:-1], train_ids[1:]), 1)\n"
                  "    p = counts / counts.sum(axis=1, keepdims=True)\n"
                  "    return -np.mean(np.log2(p[test_ids[:-1], test_ids[1:]]))")},
    "11": {"q1": ("def greedy(model, x, start_id, length):\n    decoder_input = np.full((len(x), 1), start_id, dtype='int32')\n"
                  "    for _ in range(length):\n        logits = model.predict([x, decoder_input], verbose=0)\n"
                  "        newest = logits[:, 0].argmax(axis=-1).astype('int32')\n"
                  "        decoder_input = np.concatenate([decoder_input, newest[:, None]], axis=1)\n"
                  "    return decoder_input[:, 1:]")},
    "12": {"q1": ("def conv1d(x, kernel, bias):\n    k = kernel.shape[0]\n"
                  "    return np.stack([np.tensordot(x[t:t + k][::-1], kernel, axes=([0, 1], [0, 1])) + bias\n"
                  "                     for t in range(len(x) - k + 1)])")},
    "13": {"q1": "def standardise_channels(train, images):\n    return (images - train.mean()) / train.std()"},
    "14": {"q1": ("def iou_per_class(true, predicted, n_classes):\n    true, predicted = np.ravel(true), np.ravel(predicted)\n"
                  "    return np.array([np.sum((true == c) & (predicted == c)) / max(1, np.sum(true == c))\n"
                  "                     for c in range(n_classes)])")},
    "15": {"q1": ("def box_iou(a, b):\n    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)\n"
                  "    w = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])\n"
                  "    h = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])\n"
                  "    area = lambda x: (x[:, 2] - x[:, 0]) * (x[:, 3] - x[:, 1])\n"
                  "    return w * h / (area(a)[:, None] + area(b)[None, :] - w * h)")},
    "16": {"q1": ("def nearest_translation(images, targets):\n"
                  "    gaps = np.abs(images.reshape(len(images), 1, -1) - targets.reshape(1, len(targets), -1))\n"
                  "    return targets[gaps.sum(axis=-1).argmin(axis=1)]")},
}


def kinds(notebook: str) -> list[tuple[str, dict[str, str | None]]]:
    """(kind, {exercise: answer cell, or None to keep the released stub}) for each kind of submission."""
    right = solutions(nbformat.read(instructor_notebook(notebook), as_version=4).cells)
    return [("right", dict(right)), ("partly right", {**right, **MISTAKES.get(notebook, {})}),
            ("empty", {name: None for name in right})]


def write_class(notebook: str, n: int, folder: Path) -> list[str]:
    """Write ``n`` submissions into ``folder``/studentNNN/ (kinds in turn) and return the kind of each."""
    from tools.release import student_version

    path = instructor_notebook(notebook)
    released = student_version(nbformat.read(path, as_version=4))
    choices, written = kinds(notebook), []
    for i in range(n):
        kind, answers = choices[i % len(choices)]
        nb = nbformat.from_dict(released)
        for cell in nb.cells:
            if answers.get(exercise_mark(cell)) is not None:
                cell.source = answers[exercise_mark(cell)]
        (folder / f"student{i:03d}").mkdir(parents=True)
        nbformat.write(nb, folder / f"student{i:03d}" / path.name)
        written.append(kind)
    return written
