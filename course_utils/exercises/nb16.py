"""Exercises of notebook 16 (unpaired translation with CycleGAN).

    >>> import numpy as np
    >>> from course_utils.exercises import nb16
    >>> nb16.q2.check(lambda real_scores, fake_scores: (np.mean(real_scores), np.mean(fake_scores)))
    Not quite (q2): ...
"""
from __future__ import annotations

import numpy as np

from . import Exercise, keras_checks

# --- q1: nearest_translation(images, targets) ----------------------------------------------------------------------


def translation_probe(seed: int, n: int = 6, m: int = 14) -> tuple[np.ndarray, np.ndarray]:
    """Images and targets (n, 28, 28, 1) and (m, 28, 28, 1) in [-1, 1], the targets of very different brightness
    (so that forgetting |t|^2 picks others), and for the last image two near targets: one a little off everywhere,
    one far off on 30 pixels (the nearest by squares and the nearest by absolute differences)."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (n, 28, 28, 1))
    targets = rng.uniform(-1, 1, (m, 28, 28, 1)) * rng.uniform(0.1, 1.0, (m, 1, 1, 1))
    targets[: n // 2] = np.clip(images[: n // 2] * 0.6 + rng.normal(0, 0.5, images[: n // 2].shape), -1, 1)
    last = images[-1]
    targets[-1] = last - 0.1 * np.sign(last)                                  # a little off everywhere
    targets[-2] = last
    targets[-2].reshape(-1)[rng.permutation(last.size)[:30]] *= -1            # far off on 30 pixels
    return images, rng.permutation(targets)


def _nearest(images: np.ndarray, targets: np.ndarray, distance) -> np.ndarray:
    return np.array([targets[np.argmin([distance(x, t) for t in targets])] for x in images])


def _check_nearest_translation(func) -> str:
    assert callable(func), "`nearest_translation` should be a function of (images, targets)."
    images, targets = translation_probe(16)
    got = np.asarray(func(images.copy(), targets.copy()))
    want = _nearest(images, targets, lambda x, t: np.sum((x - t) ** 2))
    if got.shape == (len(images),):
        raise AssertionError("it returns one number per image (an index?): return the target images themselves, "
                             "targets[index], an array of the same shape as `images`.")
    assert got.shape == images.shape, (
        f"for {len(images)} images of 28 x 28 x 1 return {images.shape}: one target image per image; yours has shape "
        f"{got.shape}.")
    if np.allclose(got, want):
        same = np.asarray(func(targets[:4].copy(), targets.copy()))
        assert np.allclose(same, targets[:4]), "an image that is itself one of the targets should get that target back."
        return "the nearest target in pixels for every image, as a loop over every pair finds."
    flat_t = targets.reshape(len(targets), -1)
    mistakes = [
        (targets[(images.reshape(len(images), -1) @ flat_t.T).argmax(axis=1)],
         "picks the target with the largest product x.t: that forgets |t|^2, so bright targets win. The distance is "
         "|x|^2 - 2 x.t + |t|^2 (|x|^2 may be left out: it is the same for every target)."),
        (_nearest(images, targets, lambda x, t: -np.sum((x - t) ** 2)), "picks the farthest target: argmin, not argmax."),
        (_nearest(images, targets, lambda x, t: np.sum(np.abs(x - t))),
         "measures the distance by absolute differences (L1); the exercise asks for the Euclidean distance, squares."),
    ]
    for wrong, advice in mistakes:
        if np.allclose(got, wrong):
            raise AssertionError(f"Your answer {advice}")
    raise AssertionError("for each image, compute its squared distance to every target, take the target with the "
                         "smallest one and return that target image.")


q1 = Exercise(
    "16", "q1",
    _check_nearest_translation,
    hint=("Flatten both to (n, 784) and (m, 784). The (n, m) squared distances are (x**2).sum(1)[:, None] - 2 * x @ t.T "
          "+ (t**2).sum(1)[None, :]; np.argmin along axis 1 gives each image's target; index `targets` with it."),
)


# --- q2: lsgan_losses(real_scores, fake_scores) ------------------------------------------------------------------


def _lsgan(real, fake, half=True, swapped=False, pooled=False):
    real, fake = np.asarray(real, float), np.asarray(fake, float)
    if swapped:
        real, fake = fake, real
    parts = np.concatenate([((real - 1) ** 2).ravel(), (fake ** 2).ravel()])
    critic = 2 * parts.mean() if pooled else np.mean((real - 1) ** 2) + np.mean(fake ** 2)
    return critic * (0.5 if half else 1.0)


def _check_lsgan_losses(func) -> str:
    assert callable(func), "`lsgan_losses` should be a function of (real_scores, fake_scores)."
    rng = np.random.default_rng(16)
    real, fake = rng.normal(0.8, 0.4, (3, 7, 7, 1)), rng.normal(0.2, 0.4, (5, 7, 7, 1))  # different batch sizes
    got = func(real.copy(), fake.copy())
    assert isinstance(got, (tuple, list)) and len(got) == 2, (
        "return a pair, (critic_loss, translator_loss): two numbers.")
    critic, translator = (float(np.asarray(v)) for v in got)
    want_critic, want_translator = _lsgan(real, fake), float(np.mean((fake - 1) ** 2))
    if not np.isclose(critic, want_critic, rtol=1e-5):
        for wrong, advice in [
            (_lsgan(real, fake, half=False), "is not halved: CycleGAN halves the critic's loss, 0.5 * (...)."),
            (_lsgan(real, fake, swapped=True), "pulls the real scores to 0 and the fakes to 1: the other way round."),
            (_lsgan(real, fake, pooled=True), "averages the real and the fake terms together; with batches of different "
                                              "sizes that weighs them unequally. Take each mean on its own, then add."),
        ]:
            if np.isclose(critic, wrong, rtol=1e-5):
                raise AssertionError(f"Your critic loss {advice}")
        raise AssertionError(f"the critic's loss should be 0.5 * (mean (real - 1)^2 + mean fake^2) = {want_critic:.4f} "
                             f"here, yours is {critic:.4f}.")
    if not np.isclose(translator, want_translator, rtol=1e-5):
        for wrong, advice in [
            (-want_critic, "is minus the critic's loss (the minimax form); the least-squares translator has a loss of its "
                           "own: its fakes' scores pulled to 1."),
            (float(np.mean(fake ** 2)), "pulls the fake scores to 0, as the critic wants; the translator wants them at 1."),
            (0.5 * want_translator, "is halved; only the critic's loss is."),
        ]:
            if np.isclose(translator, wrong, rtol=1e-5):
                raise AssertionError(f"Your translator loss {advice}")
        raise AssertionError(f"the translator's loss should be mean (fake - 1)^2 = {want_translator:.4f} here, yours is "
                             f"{translator:.4f}.")
    return "both least-squares losses, for batches of scores of different sizes."


q2 = Exercise(
    "16", "q2",
    _check_lsgan_losses,
    hint=("critic_loss = 0.5 * (np.mean((real - 1) ** 2) + np.mean(fake ** 2)); translator_loss = "
          "np.mean((fake - 1) ** 2). Return them as (float(...), float(...))."),
)


# --- q3: whole_image_critic(filters) -------------------------------------------------------------------------------

def whole_image_critic_layers(filters: int) -> list[tuple[str, tuple, int]]:
    """The layers q3 asks for: (class name, output shape, parameters) each."""
    f = filters
    return [("Conv2D", (None, 14, 14, f), 16 * f + f), ("LeakyReLU", (None, 14, 14, f), 0),
            ("Conv2D", (None, 7, 7, 2 * f), 16 * f * 2 * f + 2 * f), ("LeakyReLU", (None, 7, 7, 2 * f), 0),
            ("Conv2D", (None, 4, 4, 4 * f), 16 * 2 * f * 4 * f + 4 * f), ("LeakyReLU", (None, 4, 4, 4 * f), 0),
            ("Conv2D", (None, 4, 4, 1), 9 * 4 * f + 1)]


def two_kinds(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` small images in [-1, 1], half low blocks ("sneakers") and half tall ones ("boots"), with a critic's
    targets, a 4 x 4 grid of 1 for the tall kind and of 0 for the low kind: for a critic's loss to fall on."""
    rng = np.random.default_rng(seed)
    x = np.full((n, 28, 28, 1), -1.0, "float32")
    y = np.zeros((n, 4, 4, 1), "float32")
    for k in range(n):
        tall = k % 2 == 1
        top = int(rng.integers(4, 10)) if tall else int(rng.integers(16, 20))
        left, width = int(rng.integers(2, 8)), int(rng.integers(14, 20))
        x[k, top:24, left:left + width] = rng.uniform(0.3, 1.0)
        y[k] = float(tall)
    return x, y


def _check_whole_image_critic(build) -> str:
    import keras

    assert callable(build), "`whole_image_critic` should be a function of `filters` that returns the model."
    for filters in (8, 3):
        model = build(filters)
        keras_checks.assert_model(model, f"`whole_image_critic({filters})`")
        keras_checks.assert_layers(model, whole_image_critic_layers(filters))
        slopes = [float(layer.negative_slope) for layer in model.layers if isinstance(layer, keras.layers.LeakyReLU)]
        assert all(np.isclose(s, 0.2) for s in slopes), (
            f"give each LeakyReLU a negative slope of 0.2 (LeakyReLU(0.2)); yours have {slopes}.")
        convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
        assert all(getattr(c.activation, "__name__", "") == "linear" for c in convs), (
            "the convolutions have no activation of their own: the LeakyReLU layers are the activations, and the "
            "last convolution gives raw scores.")
    x, y = two_kinds(16, seed=16)
    keras_checks.loss_falls(lambda: build(4), x, y, learning_rate=2e-3, loss="mean_squared_error")
    return "layers, shapes and parameters as asked, and the least-squares critic loss falls as it trains."


q3 = Exercise(
    "16", "q3",
    _check_whole_image_critic,
    hint=("keras.Sequential: keras.Input((28, 28, 1)), then three times a 4 x 4 Conv2D with strides=2 and "
          "padding=\"same\" (filters, 2 * filters, 4 * filters) each followed by keras.layers.LeakyReLU(0.2), and last "
          "a 3 x 3 Conv2D with 1 filter, padding=\"same\" and no activation."),
)
