"""The operations taught "by hand", in plain NumPy: padding, cross-correlation, convolution, pooling,
one step of an LSTM and of a GRU cell, n-gram language models in bits per character, the VAE's KL term,
the GAN value, receptive fields, the IoU of segmentation masks and of boxes, non-maximum suppression, the
least-squares GAN losses, translation by the nearest image and the Frechet distance between two sets of features.

Image arrays are (height, width) or (height, width, channels), as in NumPy and Keras. Recurrent
weights use Keras' layout, so a trained layer's ``get_weights()`` can be passed in as they are.

    >>> import numpy as np
    >>> output_size(7, 3, stride=2)
    3
    >>> correlate2d(np.arange(9).reshape(3, 3), np.ones((2, 2)))
    array([[ 8., 12.],
           [20., 24.]])
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def output_size(n: int, f: int, stride: int = 1, padding: int = 0, strict: bool = True) -> int:
    """Output width of a kernel of width ``f`` sliding over ``n`` pixels: (n - f + 2p) / s + 1.

    Raises ``ValueError`` when the kernel does not fit a whole number of times; with
    ``strict=False`` it rounds down like Keras and PyTorch, which drop the leftover pixels.

    >>> output_size(32, 5, stride=1, padding=2)
    32
    >>> output_size(7, 3, stride=3, strict=False)
    2
    """
    if min(n, f, stride) < 1 or padding < 0:
        raise ValueError(f"need n, f, stride >= 1 and padding >= 0; got n={n}, f={f}, stride={stride}, padding={padding}")
    span = n - f + 2 * padding
    if span < 0 or (strict and span % stride):
        raise ValueError(
            f"a {f}-wide kernel with stride {stride} and padding {padding} does not fit {n} pixels: "
            f"({n} - {f} + 2*{padding}) / {stride} + 1 = {span / stride + 1:.2f} is not a whole number >= 1. "
            "Change the stride or the padding."
        )
    return span // stride + 1


def pad(image: np.ndarray, padding: int, value: float = 0) -> np.ndarray:
    """Add ``padding`` rows and columns of ``value`` around the first two axes.

    >>> pad(np.ones((1, 1)), 1)
    array([[0., 0., 0.],
           [0., 1., 0.],
           [0., 0., 0.]])
    """
    image = np.asarray(image)
    widths = [(padding, padding)] * 2 + [(0, 0)] * (image.ndim - 2)
    return np.pad(image, widths, constant_values=value)


def _windows(x: np.ndarray, size: tuple[int, int], stride: int, padding: int) -> np.ndarray:
    """Every (size[0] x size[1]) window of x, as an array (out_h, out_w, [channels,] kh, kw)."""
    output_size(x.shape[0], size[0], stride, padding)  # raises a clear error when it does not fit
    output_size(x.shape[1], size[1], stride, padding)
    return sliding_window_view(pad(x, padding), size, axis=(0, 1))[::stride, ::stride]


def correlate2d(image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Cross-correlation, what deep learning calls "convolution": slide the kernel, multiply, sum.

    ``image`` is (H, W) with a (kh, kw) kernel, or (H, W, C) with a (kh, kw, C) kernel whose
    channels are summed. Returns floats of shape (out_h, out_w).

    >>> correlate2d(np.eye(3), np.eye(2))
    array([[2., 0.],
           [0., 2.]])
    """
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim != kernel.ndim or image.ndim not in (2, 3):
        raise ValueError(f"image {image.shape} and kernel {kernel.shape}: use (H, W) with (kh, kw), or (H, W, C) with (kh, kw, C)")
    if image.ndim == 3 and image.shape[2] != kernel.shape[2]:
        raise ValueError(f"the image has {image.shape[2]} channels but the kernel has {kernel.shape[2]}; they must match")
    windows = _windows(image, kernel.shape[:2], stride, padding)
    if image.ndim == 2:
        return np.einsum("ijuv,uv->ij", windows, kernel)
    return np.einsum("ijcuv,uvc->ij", windows, kernel)


def convolve2d(image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """True convolution: cross-correlation with the kernel flipped in both directions.

    >>> convolve2d(np.eye(3), np.array([[1, 0], [0, 0]]))
    array([[1., 0.],
           [0., 1.]])
    """
    return correlate2d(image, np.flip(np.asarray(kernel), axis=(0, 1)), stride, padding)


def conv2d(x: np.ndarray, weights: np.ndarray, bias: np.ndarray | None = None, stride: int = 1, padding: int = 0) -> np.ndarray:
    """A convolutional layer: ``x`` (H, W, C), ``weights`` (kh, kw, C, F) as Keras stores them, one
    cross-correlation per filter plus its bias. Returns (out_h, out_w, F).

    >>> conv2d(np.ones((4, 4, 2)), np.ones((3, 3, 2, 5))).shape
    (2, 2, 5)
    """
    x, weights = np.asarray(x, dtype=float), np.asarray(weights, dtype=float)
    maps = np.stack([correlate2d(x, weights[..., k], stride, padding) for k in range(weights.shape[-1])], axis=-1)
    return maps if bias is None else maps + np.asarray(bias, dtype=float)


def conv_params(kernel_size: int, in_channels: int, filters: int, bias: bool = True) -> int:
    """Weights of a conv layer: each filter has kernel_size**2 * in_channels weights (+1 bias).

    >>> conv_params(5, 3, 10)
    760
    """
    return (kernel_size * kernel_size * in_channels + int(bias)) * filters


def pool2d(x: np.ndarray, size: int, stride: int | None = None, mode: str = "max") -> np.ndarray:
    """Max or average pooling over the first two axes; channels are pooled independently.

    ``stride`` defaults to ``size`` (non-overlapping windows, as in Keras).

    >>> pool2d(np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]), 2)
    array([[6, 8],
           [3, 4]])
    """
    reducers = {"max": np.max, "average": np.mean, "avg": np.mean}
    if mode not in reducers:
        raise ValueError(f"mode={mode!r}: use 'max' or 'average'")
    windows = _windows(np.asarray(x), (size, size), stride or size, 0)
    return reducers[mode](windows, axis=(-2, -1))


KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
    "edges (Laplacian)": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=float),
    "edges (all directions)": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=float),
    "Sobel x (vertical edges)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float),
    "Sobel y (horizontal edges)": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=float),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "box blur": np.full((3, 3), 1 / 9),
    "Gaussian blur": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=float) / 16,
}
"""Classic hand-designed 3x3 kernels from image processing, by name."""


def to_grey(image: np.ndarray) -> np.ndarray:
    """Luminance of an RGB image (ITU-R BT.601 weights), floats in [0, 1] whatever the input range.

    >>> to_grey(np.full((1, 1, 3), 255, dtype=np.uint8))
    array([[1.]])
    """
    image = np.asarray(image)
    scale = 255.0 if image.dtype == np.uint8 else 1.0
    grey = image[..., :3] @ np.array([0.299, 0.587, 0.114]) if image.ndim == 3 else image
    return np.asarray(grey, dtype=float) / scale


# --------------------------------------------------------------------------- recurrent cells


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + e^-x), the gates' activation.

    >>> float(sigmoid(0.0))
    0.5
    """
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def lstm_step(x: np.ndarray, h: np.ndarray, c: np.ndarray, kernel: np.ndarray, recurrent_kernel: np.ndarray,
              bias: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step: returns the new hidden state h_t and cell state c_t.

    Weights as in ``keras.layers.LSTM(units).get_weights()``: kernel (inputs, 4 units) stacks W_i, W_f,
    W_c, W_o; recurrent_kernel (units, 4 units) stacks U_i, U_f, U_c, U_o; bias (4 units,).

        i = sigmoid(W_i x + U_i h + b_i)     f = sigmoid(W_f x + U_f h + b_f)     o = sigmoid(W_o x + U_o h + b_o)
        c~ = tanh(W_c x + U_c h + b_c)       c_t = f * c + i * c~                  h_t = o * tanh(c_t)

    >>> z = np.zeros
    >>> h, c = lstm_step(z((1, 2)), z((1, 3)), z((1, 3)), z((2, 12)), z((3, 12)), z(12))
    >>> h.shape, c.shape
    ((1, 3), (1, 3))
    """
    i, f, candidate, o = np.split(x @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(candidate)
    return sigmoid(o) * np.tanh(c), c


def gru_step(x: np.ndarray, h: np.ndarray, kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray,
             reset_after: bool = False) -> np.ndarray:
    """One GRU step: returns the new hidden state h_t.

    Weights as in ``keras.layers.GRU(units, reset_after=...).get_weights()``: kernel (inputs, 3 units)
    stacks W_z, W_r, W_h; recurrent_kernel (units, 3 units) stacks U_z, U_r, U_h.

        z = sigmoid(W_z x + U_z h + b_z)     r = sigmoid(W_r x + U_r h + b_r)
        h~ = tanh(W_h x + U_h (r * h) + b_h)                   (reset_after=False, the lecture's form)
        h~ = tanh(W_h x + b_h + r * (U_h h + b'_h))             (reset_after=True, Keras' default)
        h_t = z * h + (1 - z) * h~

    With ``reset_after=True`` the bias has shape (2, 3 units): a row for the inputs, a row for the state.

    >>> z = np.zeros
    >>> gru_step(z((1, 2)), np.ones((1, 3)), z((2, 9)), z((3, 9)), z(9))
    array([[0.5, 0.5, 0.5]])
    """
    input_bias, state_bias = (bias[0], bias[1]) if reset_after else (bias, np.zeros_like(bias))
    xz, xr, xh = np.split(x @ kernel + input_bias, 3, axis=-1)
    uz, ur, uh = np.split(recurrent_kernel, 3, axis=-1)
    bz, br, bh = np.split(state_bias, 3, axis=-1)
    z = sigmoid(xz + h @ uz + bz)
    r = sigmoid(xr + h @ ur + br)
    candidate = np.tanh(xh + r * (h @ uh + bh)) if reset_after else np.tanh(xh + (r * h) @ uh)
    return z * h + (1 - z) * candidate


# --------------------------------------------------------------------------- text


def ngram_bits(train_ids: np.ndarray, test_ids: np.ndarray, vocab_size: int, order: int = 2) -> float:
    """Bits per character on ``test_ids`` of a unigram (``order=1``) or bigram (``order=2``) model counted on
    ``train_ids`` with add-one (Laplace) smoothing: p(c) = (n(c) + 1) / (N + V) and
    p(c | b) = (n(b, c) + 1) / (n(b) + V), where n(b) counts b as the first of a pair.
    The bigram scores every test character but the first, which has no predecessor.

    >>> round(ngram_bits(np.array([0, 1, 0, 1]), np.array([0, 1]), 2, order=1), 3)
    1.0
    >>> round(ngram_bits(np.array([0, 1, 0, 1]), np.array([0, 1]), 2, order=2), 3)   # p(1 | 0) = 3/4
    0.415
    """
    train_ids, test_ids = np.asarray(train_ids), np.asarray(test_ids)
    if order == 1:
        p = (np.bincount(train_ids, minlength=vocab_size) + 1) / (len(train_ids) + vocab_size)
        return float(-np.mean(np.log2(p[test_ids])))
    if order != 2:
        raise ValueError(f"order must be 1 (unigram) or 2 (bigram), not {order}.")
    pairs = np.bincount(train_ids[:-1] * vocab_size + train_ids[1:], minlength=vocab_size ** 2)
    counts = pairs.reshape(vocab_size, vocab_size) + 1
    p = counts / counts.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log2(p[test_ids[:-1], test_ids[1:]])))


# --------------------------------------------------------------------------- generative models


def kl_to_standard_normal(mu: np.ndarray, log_var: np.ndarray) -> np.ndarray:
    """KL(N(mu, sigma^2) || N(0, 1)) summed over the last axis (the latent dimensions), in closed form:
    -1/2 * sum(1 + log sigma^2 - mu^2 - sigma^2). Never negative; 0 only when mu = 0 and sigma = 1.

    >>> round(float(kl_to_standard_normal(np.array([0.5]), np.log(np.array([0.8 ** 2])))), 5)
    0.16814
    """
    mu, log_var = np.asarray(mu, dtype=float), np.asarray(log_var, dtype=float)
    return -0.5 * np.sum(1 + log_var - mu ** 2 - np.exp(log_var), axis=-1)


def gan_value(d_real: np.ndarray, d_fake: np.ndarray) -> float:
    """The GAN minimax value V(D, G) = E[log D(x)] + E[log(1 - D(G(z)))], estimated from the discriminator's
    outputs on real and on generated samples. At the equilibrium D = 1/2 everywhere it is -log 4.

    >>> bool(np.isclose(gan_value(np.full(8, 0.5), np.full(8, 0.5)), -np.log(4)))
    True
    """
    return float(np.mean(np.log(np.asarray(d_real, dtype=float))) + np.mean(np.log1p(-np.asarray(d_fake, dtype=float))))


def receptive_field(stack: list[tuple[int, int, int]]) -> int:
    """How many input pixels (along one axis) one output value of a stack of layers can see. ``stack`` lists each
    layer's (kernel, stride, dilation), first layer first; a pooling is a kernel with its stride. Each layer widens the
    field by (kernel - 1) * dilation * j, where j, the input pixels one step of its input map spans, is the product
    of the strides before it.

    >>> receptive_field([(3, 1, 1), (3, 1, 1)]), receptive_field([(3, 1, 1), (2, 2, 1), (3, 1, 2)])
    (5, 12)
    """
    steps = np.cumprod([1] + [stride for _, stride, _ in stack])  # j before each layer: the strides before it
    return 1 + int(sum((kernel - 1) * dilation * step for (kernel, _, dilation), step in zip(stack, steps)))


def iou_per_class(true: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """Intersection over union of each class between two label arrays of the same shape: TP / (TP + FP + FN), the
    pixels both give class c over those either gives it; NaN for a class that neither holds (no information).

    >>> iou_per_class(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), 3)
    array([0.5       , 0.66666667,        nan])
    """
    true, predicted = np.ravel(true), np.ravel(predicted)
    both = np.bincount(true[true == predicted], minlength=n_classes)[:n_classes]
    union = np.bincount(true, minlength=n_classes)[:n_classes] + np.bincount(predicted, minlength=n_classes)[:n_classes] - both
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, both / np.maximum(union, 1), np.nan)


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of every box in ``a`` (n, 4) with every box in ``b`` (m, 4), boxes as (x0, y0, x1, y1):
    an (n, m) array; 0 where two boxes do not overlap.

    >>> box_iou(np.array([[0, 0, 4, 4]]), np.array([[2, 0, 6, 4], [4, 4, 8, 8]]))
    array([[0.33333333, 0.        ]])
    """
    a, b = np.asarray(a, dtype=float).reshape(-1, 4), np.asarray(b, dtype=float).reshape(-1, 4)
    low = np.maximum(a[:, None, :2], b[None, :, :2])
    high = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(high - low, 0, None), axis=-1)
    area_a, area_b = np.prod(a[:, 2:] - a[:, :2], axis=-1), np.prod(b[:, 2:] - b[:, :2], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(inter > 0, inter / (area_a[:, None] + area_b[None, :] - inter), 0.0)


def non_max_suppression(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float = 0.5) -> np.ndarray:
    """The indices of the boxes kept, best score first: a box is dropped when it overlaps a kept box with a higher score
    by more than ``iou_threshold`` (what ``tf.image.non_max_suppression`` computes).

    >>> non_max_suppression(np.array([[0, 0, 4, 4], [0, 1, 4, 5], [8, 8, 9, 9]]), np.array([0.6, 0.9, 0.5]))
    array([1, 2])
    """
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    overlaps = box_iou(boxes, boxes)
    kept: list[int] = []
    for index in order:
        if all(overlaps[index, k] <= iou_threshold for k in kept):
            kept.append(int(index))
    return np.array(kept, dtype=int)


def least_squares_gan_losses(real_scores: np.ndarray, fake_scores: np.ndarray) -> tuple[float, float]:
    """The least-squares GAN losses (LSGAN, as CycleGAN uses them) from a critic's raw scores: the critic's loss
    pulls real scores to 1 and fake ones to 0, halved, 0.5 * (mean (real - 1)^2 + mean fake^2); the generator's pulls
    the fake scores to 1, mean (fake - 1)^2. Returns (critic_loss, generator_loss).

    >>> least_squares_gan_losses(np.array([1.0, 0.5]), np.array([0.0, 1.0]))
    (0.3125, 0.5)
    """
    real, fake = np.asarray(real_scores, dtype=float), np.asarray(fake_scores, dtype=float)
    return float(0.5 * (np.mean((real - 1) ** 2) + np.mean(fake ** 2))), float(np.mean((fake - 1) ** 2))


def nearest_translation(images: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """"Translate" each of ``images`` into the closest of ``targets`` (Euclidean distance over the pixels): the
    cheapest translation between two domains, which always lands in the target domain and forgets its input.

    >>> nearest_translation(np.array([[0.1, 0.0], [0.9, 1.0]]), np.array([[1.0, 1.0], [0.0, 0.0], [5.0, 5.0]]))
    array([[0., 0.],
           [1., 1.]])
    """
    asked = np.asarray(images, dtype=float).reshape(len(images), -1)
    known = np.asarray(targets, dtype=float).reshape(len(targets), -1)
    distances = (known ** 2).sum(axis=1)[None, :] - 2 * asked @ known.T  # |x - t|^2 less |x|^2, the same for every t
    return np.asarray(targets)[distances.argmin(axis=1)]


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """The Frechet distance between Gaussians fitted to two sets of feature vectors (one per row):
    |mean_a - mean_b|^2 + trace(C_a + C_b - 2 (C_a C_b)^(1/2)). On an Inception network's features it is FID; 0 for
    two sets with the same mean and covariance. (C_a C_b)^(1/2) has the trace of (C_a^(1/2) C_b C_a^(1/2))^(1/2),
    a symmetric matrix, so eigenvalues suffice: no complex square roots of nearly singular products.

    >>> round(frechet_distance(np.array([[0.0], [2.0]]), np.array([[1.0], [5.0]])), 6)   # 2^2 + (sqrt 2 - sqrt 8)^2
    6.0
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    cross = np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0, None)
    gap = a.mean(axis=0) - b.mean(axis=0)
    return float(gap @ gap + np.trace(cov_a) + np.trace(cov_b) - 2 * np.sum(np.sqrt(cross)))
