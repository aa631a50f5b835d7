"""course_utils.exercises: right answers pass, wrong ones get advice, nothing ever raises."""
import numpy as np
import pytest

from course_utils import by_hand, data, runtime
from course_utils.exercises import Exercise, nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09

def _make_windows(values, window, horizon=1, step=1, last=True):
    starts = range(0, len(values) - window - horizon + (1 if last else 0), step)
    return (np.array([values[s:s + window] for s in starts]),
            np.array([values[s + window + horizon - 1] for s in starts]))


def _swapped_gru(x, h, kernel, recurrent, bias):
    units = h.shape[1]
    z = by_hand.sigmoid(x @ kernel[:, :units] + h @ recurrent[:, :units] + bias[:units])
    candidate = (by_hand.gru_step(x, h, kernel, recurrent, bias) - z * h) / (1 - z)
    return (1 - z) * h + z * candidate


SOLUTIONS = [
    (nb00.q1, lambda: (np.pad([[1]], 1),)),
    (nb00.q2, lambda: (runtime.profile().name,)),
    (nb01.q1, lambda: (data.load("grace_hopper") / 255.0,)),
    (nb01.q2, lambda: (784, 100_480)),
    (nb01.q3, lambda: (np.array([[0, 0, 0], [1, 0, 0], [0, 0, 0]]),)),
    (nb02.q1, lambda: (((32, 32, 16), 784),)),
    (nb02.q2, lambda: (lambda image, kernel: np.array([[(image[i:i + kernel.shape[0], j:j + kernel.shape[1]] * kernel).sum()
                                                         for j in range(image.shape[1] - kernel.shape[1] + 1)]
                                                        for i in range(image.shape[0] - kernel.shape[0] + 1)]),)),
    (nb02.q3, lambda: (np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]),)),
    (nb03.q1, lambda: (1152, 147_584)),
    (nb03.q2, lambda: (lambda probs, labels: (probs.argmax(axis=1) == labels).mean(),)),
    (nb04.q1, lambda: (_make_windows,)),
    (nb04.q2, lambda: (by_hand.gru_step,)),
    (nb05.q1, lambda: (lambda images, std, seed: np.clip(images + np.random.default_rng(seed).normal(0, std, images.shape), 0, 1),)),
    (nb05.q2, lambda: (lambda normal, anomalous: (np.asarray(anomalous)[:, None] > np.asarray(normal)[None]).mean()
                       + 0.5 * (np.asarray(anomalous)[:, None] == np.asarray(normal)[None]).mean(),)),
    (nb06.q1, lambda: (by_hand.kl_to_standard_normal,)),
    (nb06.q2, lambda: (lambda mu, log_var, eps: mu + np.exp(0.5 * log_var) * eps,)),
    (nb07.q1, lambda: (lambda d_real, d_fake: -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake)),)),
    (nb07.q2, lambda: (lambda p: np.bincount(p.argmax(axis=1), minlength=10) / len(p),)),
    (nb08.q1, lambda: (102_764_544,)),
    (nb08.q2, lambda: (lambda layers, k=3: layers * (k - 1) + 1,)),
    (nb09.q1, lambda: (lambda input_s, compute_s, speedup, prefetch: (max if prefetch else sum)([input_s, compute_s / speedup]),)),
    (nb09.q2, lambda: (1024, 0.008, 59)),
    (nb09.q2, lambda: (1024, 0.008, 58)),
]

_AUC_PAIRS = lambda normal, anomalous: np.asarray(anomalous)[:, None] - np.asarray(normal)[None]  # noqa: E731

WRONG = [
    (nb00.q1, (np.eye(3),), "only the centre"),
    (nb00.q1, (np.zeros((2, 2)),), "shape (3, 3)"),
    (nb00.q2, (runtime.profile(),), "profile.name"),
    (nb00.q2, ("fast",), "one of ci, lite, full"),
    (nb01.q1, (data.load("grace_hopper"),), "floats"),
    (nb01.q2, (784, 784 * 128), "bias"),
    (nb01.q3, (np.array([[0, 0, 0], [0, 0, 1], [0, 0, 0]]),), "left"),
    (nb02.q1, (((64, 64, 16), 784),), "stride"),
    (nb02.q1, (((32, 32, 16), 768),), "bias"),
    (nb02.q2, (lambda image, kernel: __import__("scipy.signal").signal.convolve2d(image, kernel, mode="valid"),), "flipped"),
    (nb02.q3, (np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),), "vertical"),
    (nb02.q3, (np.eye(3),), "sum to 0"),
    (nb03.q1, (3200, 409_728), "shrinks it once more"),
    (nb03.q1, (1152, 1152 * 128), "biases"),
    (nb03.q2, (lambda probs, labels: 100 * (probs.argmax(axis=1) == labels).mean(),), "percentage"),
    (nb04.q1, (lambda v, w, h=1, s=1: _make_windows(v, w, h, s, last=False),), "target still inside"),
    (nb04.q1, (lambda v, w, h=1, s=1: _make_windows(v, w, h + 1, s),), "one step too late"),
    (nb04.q2, (lambda x, h, k, r, b: by_hand.gru_step(x, h, k, r, np.stack([b, 0 * b]), reset_after=True),), "default form"),
    (nb04.q2, (_swapped_gru,), "swapped"),
    (nb04.q2, (lambda x, h, k, r, b: by_hand.gru_step(x, h, k, r, b)[0],), "shape"),
    (nb05.q1, (lambda images, std, seed: images + np.random.default_rng(seed).normal(0, std, images.shape),), "clip"),
    (nb05.q1, (lambda images, std, seed: np.clip(images + np.random.default_rng().normal(0, std, images.shape), 0, 1),), "same seed"),
    (nb05.q1, (lambda images, std, seed: np.clip(images + np.random.default_rng(seed).normal(0, std ** 2, images.shape), 0, 1),), "variance"),
    (nb05.q2, (lambda normal, anomalous: (_AUC_PAIRS(normal, anomalous) < 0).mean() + 0.5 * (_AUC_PAIRS(normal, anomalous) == 0).mean(),), "one minus"),
    (nb05.q2, (lambda normal, anomalous: (_AUC_PAIRS(normal, anomalous) > 0).mean(),), "one half"),
    (nb06.q1, (lambda mu, log_var: -0.5 * (1 + log_var - mu ** 2 - np.exp(log_var)),), "per latent dimension"),
    (nb06.q1, (lambda mu, log_var: -0.5 * np.sum(1 + np.exp(log_var) - mu ** 2 - 0.5 * log_var, axis=-1),), "slide's form"),
    (nb06.q1, (lambda mu, log_var: 0.5 * np.sum(1 + log_var - mu ** 2 - np.exp(log_var), axis=-1),), "sign"),
    (nb06.q2, (lambda mu, log_var, eps: mu + np.exp(log_var) * eps,), "standard deviation"),
    (nb06.q2, (lambda mu, log_var, eps: mu + log_var * eps,), "logarithm"),
    (nb07.q1, (lambda d_real, d_fake: np.mean(np.log(d_real)) + np.mean(np.log(1 - d_fake)),), "sign is flipped"),
    (nb07.q1, (lambda d_real, d_fake: -np.mean(np.log(d_fake)) - np.mean(np.log(1 - d_real)),), "swapped"),
    (nb07.q2, (lambda p: p.mean(axis=0),), "argmax"),
    (nb07.q2, (lambda p: np.bincount(p.argmax(axis=1), minlength=10),), "counts"),
    (nb07.q2, (lambda p: np.bincount(p.argmax(axis=1)) / len(p),), "minlength"),
    (nb08.q1, (7 * 7 * 512 * 4096,), "biases"),
    (nb08.q2, (lambda layers, k=3: layers * k,), "see"),
    (nb09.q1, (lambda i, c, s, prefetch: (i + c) / s,), "compute only"),
    (nb09.q1, (lambda i, c, s, prefetch: i + c,), "`speedup` times faster"),
    (nb09.q1, (lambda i, c, s, prefetch: i + c / s,), "overlap"),
    (nb09.q1, (lambda i, c, s, prefetch: min(i, c / s) if prefetch else i + c / s,), "slower part"),
    (nb09.q2, (128, 0.001, 469), "global batch counts"),
    (nb09.q2, (512, 0.004, 118), "eight replicas"),
    (nb09.q2, (1024, 0.001, 59), "linear scaling rule"),
    (nb09.q2, (1024, 0.000125, 59), "other way round"),
    (nb09.q2, (1024, 0.008, 469), "global batch"),
]


@pytest.mark.parametrize("exercise, answer", SOLUTIONS)
def test_solutions_pass(exercise, answer, capsys):
    exercise.check(*answer())
    assert exercise.passed is True
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize("exercise, answer, advice", WRONG)
def test_wrong_answers_get_specific_advice(exercise, answer, advice, capsys):
    exercise.check(*answer)
    out = capsys.readouterr().out
    assert exercise.passed is False and out.startswith("Not quite") and advice in out


@pytest.mark.parametrize("exercise", [s[0] for s in SOLUTIONS])
def test_nonsense_and_missing_answers_never_raise(exercise, capsys):
    exercise.check("banana")
    exercise.check(...)
    exercise.hint()
    exercise.solution()
    out = capsys.readouterr().out
    assert exercise.passed is False and "no answer yet" in out and "Hint" in out and "Solution" in out


def test_a_broken_checker_input_is_reported_not_raised(capsys):
    ex = Exercise("qx", lambda a: 1 / a, hint="h", solution="s")
    ex.check(0)
    assert "could not be checked: ZeroDivisionError" in capsys.readouterr().out
