"""Figures the notebooks use again and again. Every function returns its matplotlib Figure.

The figure is closed before it is returned, so a call as the last line of a cell shows it
exactly once (Jupyter displays the returned Figure).

    >>> from course_utils import plotting
    >>> plotting.set_style("presentation")          # big fonts for a lecture hall
    >>> fig = plotting.image_grid(np.random.rand(4, 8, 8), labels=[0, 1, 2, 3])
"""
from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

STYLES = {
    "notebook": {"figure.dpi": 90, "font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10,
                 "lines.linewidth": 1.5, "image.cmap": "gray"},
    "presentation": {"figure.dpi": 110, "font.size": 16, "axes.titlesize": 18, "axes.labelsize": 16,
                     "xtick.labelsize": 14, "ytick.labelsize": 14, "legend.fontsize": 14,
                     "lines.linewidth": 3, "image.cmap": "gray"},
}


def set_style(name: str = "notebook") -> None:
    """Switch matplotlib to the ``notebook`` or ``presentation`` (large fonts, thick lines) style.

    >>> set_style("notebook")
    """
    if name not in STYLES:
        raise ValueError(f"style {name!r} is unknown; use one of {', '.join(STYLES)}")
    plt.rcParams.update(STYLES[name])


def _done(fig: plt.Figure) -> plt.Figure:
    fig.tight_layout()
    plt.close(fig)
    return fig


def _grid(n: int, ncols: int, size: float = 1.6):
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.2), squeeze=False)
    for ax in axes.flat[n:]:
        ax.axis("off")
    return fig, axes.flat[:n]


def _limits(img: np.ndarray, robust: bool) -> dict:
    """Colour limits from the 2nd and 98th percentiles, so a few extreme pixels do not grey out the rest."""
    if not robust or img.ndim == 3:
        return {}
    low, high = np.percentile(img, [2, 98])
    return {"vmin": low, "vmax": high} if high > low else {}


def image_grid(images: Sequence[np.ndarray], labels: Sequence | None = None, ncols: int = 8,
               cmap: str | None = "gray", title: str | None = None, robust: bool = False, size: float = 1.6) -> plt.Figure:
    """Show images in a grid, each with its label as a title.

    ``robust=True`` scales each image's colours to its 2nd-98th percentile (good for filter outputs).

    >>> fig = image_grid(np.zeros((3, 28, 28)), labels=["a", "b", "c"])
    """
    images = list(images)
    fig, axes = _grid(len(images), ncols, size)
    for i, (ax, img) in enumerate(zip(axes, images)):
        img = np.asarray(img).squeeze()
        ax.imshow(img, cmap=None if img.ndim == 3 else cmap, **_limits(img, robust))
        ax.set_xticks([])
        ax.set_yticks([])
        if labels is not None:
            ax.set_title(str(labels[i]))
    if title:
        fig.suptitle(title)
    return _done(fig)


def show_kernels(kernels: np.ndarray, annotate: bool | None = None, ncols: int = 8,
                 titles: Sequence[str] | None = None, size: float | None = None) -> plt.Figure:
    """Show convolution kernels as images, red for positive and blue for negative weights.

    ``kernels`` is one (kh, kw) kernel, a stack (n, kh, kw), or Keras' (kh, kw, in, out) layout
    (the first input channel of each filter is shown). Small kernels get their values written in.

    >>> fig = show_kernels(np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]))
    """
    k = np.asarray(kernels, dtype=float)
    if k.ndim == 2:
        k = k[None]
    elif k.ndim == 4:
        k = np.moveaxis(k[:, :, 0, :], -1, 0)
    annotate = k.shape[1] <= 5 and len(k) <= 16 if annotate is None else annotate
    fig, axes = _grid(len(k), ncols, size=size or (1.6 if annotate else 1.2))
    for i, (ax, kernel) in enumerate(zip(axes, k)):
        limit = np.abs(kernel).max() or 1.0
        ax.imshow(kernel, cmap="bwr", vmin=-limit, vmax=limit)
        ax.set_xticks([])
        ax.set_yticks([])
        if annotate:
            for (r, c), value in np.ndenumerate(kernel):
                ax.text(c, r, f"{value:.2f}".rstrip("0").rstrip("."), ha="center", va="center", fontsize="small")
        if titles is not None:
            ax.set_title(titles[i])
    return _done(fig)


def feature_maps(maps: np.ndarray, ncols: int = 8, title: str | None = None) -> plt.Figure:
    """Show the channels of one activation (H, W, channels), e.g. a conv layer's output for one image.

    >>> fig = feature_maps(np.random.rand(26, 26, 4))
    """
    maps = np.asarray(maps)
    if maps.ndim == 4:
        maps = maps[0]
    return image_grid(np.moveaxis(maps, -1, 0), labels=[f"map {i}" for i in range(maps.shape[-1])],
                      ncols=ncols, cmap="viridis", title=title)


def training_curves(history: Mapping[str, Sequence[float]] | object, metrics: Sequence[str] | None = None) -> plt.Figure:
    """Plot a Keras ``History`` (or its ``.history`` dict): one panel per metric, train and validation.

    >>> fig = training_curves({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})
    """
    logs = getattr(history, "history", history)
    metrics = metrics or [m for m in logs if not m.startswith("val_")]
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.2), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], "o-", label="train")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], "s--", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
    return _done(fig)


def compare_images(images: Mapping[str, np.ndarray], cmap: str | None = "gray", robust: bool = False) -> plt.Figure:
    """Show named images side by side, e.g. an image and what a kernel makes of it.

    >>> fig = compare_images({"before": np.eye(4), "after": np.eye(4)[::-1]})
    """
    fig, axes = _grid(len(images), len(images), size=3.2)
    for ax, (name, img) in zip(axes, images.items()):
        img = np.asarray(img)
        ax.imshow(img, cmap=None if img.ndim == 3 else cmap, **_limits(img, robust))
        ax.set_title(name)
        ax.axis("off")
    return _done(fig)


def correlation_step(image: np.ndarray, kernel: np.ndarray, row: int, col: int) -> plt.Figure:
    """One step of cross-correlation: the window under the kernel, the kernel, and the output so far.

    >>> fig = correlation_step(np.arange(16).reshape(4, 4), np.eye(3), 0, 1)
    """
    from .by_hand import correlate2d

    image, kernel = np.asarray(image), np.asarray(kernel)
    kh, kw = kernel.shape
    full = correlate2d(image, kernel)
    done = np.full(full.shape, np.nan)
    done.flat[: row * full.shape[1] + col + 1] = full.flat[: row * full.shape[1] + col + 1]
    panels = [("image", image), ("kernel", kernel), ("output", done)]
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.4), gridspec_kw={"width_ratios": [image.shape[1], kw, full.shape[1]]})
    for ax, (name, values) in zip(axes, panels):
        ax.imshow(np.nan_to_num(values, nan=0.0), cmap="Greys", alpha=0.25)
        for (r, c), v in np.ndenumerate(values):
            if not np.isnan(v):
                ax.text(c, r, f"{v:g}", ha="center", va="center")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(name)
    axes[0].add_patch(plt.Rectangle((col - 0.5, row - 0.5), kw, kh, fill=False, lw=3, ec="tab:red"))
    axes[2].add_patch(plt.Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, lw=3, ec="tab:red"))
    window = image[row:row + kh, col:col + kw]
    terms = " + ".join(f"({k:g}x{v:g})" for k, v in zip(kernel.ravel(), window.ravel()))
    fig.suptitle(f"{terms} = {full[row, col]:g}", fontsize="small")
    return _done(fig)


def confusion_matrix(true: Sequence[int], predicted: Sequence[int], class_names: Sequence[str] | None = None) -> plt.Figure:
    """A confusion matrix: row = true class, column = predicted class, each cell the count.

    >>> fig = confusion_matrix([0, 1, 1], [0, 1, 0])
    """
    true, predicted = np.asarray(true, dtype=int), np.asarray(predicted, dtype=int)
    n = int(max(true.max(), predicted.max()) + 1) if class_names is None else len(class_names)
    counts = np.zeros((n, n), dtype=int)
    np.add.at(counts, (true, predicted), 1)
    names = list(class_names) if class_names is not None else [str(i) for i in range(n)]
    fig, ax = plt.subplots(figsize=(0.55 * n + 2, 0.55 * n + 1.5))
    ax.imshow(counts, cmap="Blues")
    for (r, c), v in np.ndenumerate(counts):
        ax.text(c, r, str(v), ha="center", va="center", fontsize="small",
                color="white" if v > counts.max() / 2 else "black")
    long_names = max(len(name) for name in names) > 2
    ax.set_xticks(range(n), names, rotation=45 if long_names else 0, ha="right" if long_names else "center")
    ax.set_yticks(range(n), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    fig.counts = counts
    return _done(fig)


def compare_runs(histories: Mapping[str, object], metric: str = "val_accuracy") -> plt.Figure:
    """One curve per run (Keras ``History`` or its dict) for one metric, e.g. optimizers compared.

    >>> fig = compare_runs({"SGD": {"val_accuracy": [0.5, 0.6]}, "Adam": {"val_accuracy": [0.7, 0.8]}})
    """
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    for name, history in histories.items():
        values = getattr(history, "history", history)[metric]
        ax.plot(np.arange(1, len(values) + 1), values, "o-", label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.legend()
    return _done(fig)


def bar_chart(values: Mapping[str, float], ylabel: str, title: str | None = None, fmt: str = "%.3f") -> plt.Figure:
    """Named values as bars with their numbers on top (written with ``fmt``).

    >>> fig = bar_chart({"dense": 0.97, "cnn": 0.99}, "test accuracy")
    """
    fig, ax = plt.subplots(figsize=(1.3 * len(values) + 2, 3.3))
    bars = ax.bar(list(values), list(values.values()), color="tab:blue")
    ax.bar_label(bars, fmt=fmt)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.tick_params(axis="x", labelrotation=15)
    return _done(fig)


def speedups(values: Mapping[str, float], title: str | None = None) -> plt.Figure:
    """Speed-ups as horizontal bars, with a line at 1x: left of it slower than the baseline, right of it faster.

    >>> fig = speedups({"plain": 1.0, "XLA": 0.6, "bigger batch": 1.3})
    """
    names = list(values)[::-1]  # the first entry on top
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(values) + 1.2))
    bars = ax.barh(names, [values[n] for n in names],
                   color=["tab:green" if values[n] > 1.05 else "tab:red" if values[n] < 0.95 else "tab:gray" for n in names])
    ax.bar_label(bars, fmt="%.2fx", padding=3)
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xlim(0, max(values.values()) * 1.25)
    ax.set_xlabel("speed-up (images per second / baseline)")
    if title:
        ax.set_title(title)
    return _done(fig)


def lines(x: Sequence[float], series: Mapping[str, Sequence[float]], xlabel: str, ylabel: str,
          logx: bool = False, logy: bool = False) -> plt.Figure:
    """Several named curves over the same x values, e.g. accuracy against the number of labels.

    >>> fig = lines([5, 20], {"scratch": [0.5, 0.8], "transfer": [0.8, 0.9]}, "labels per class", "accuracy")
    """
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    for name, ys in series.items():
        ax.plot(x, ys, "o-", label=name)
    ax.set_xscale("log" if logx else "linear")
    ax.set_yscale("log" if logy else "linear")
    if logx:  # label the measured points, not powers of ten
        ax.set_xticks(list(x), [f"{v:g}" for v in x])
        ax.xaxis.set_minor_locator(plt.NullLocator())
    elif all(isinstance(v, (int, np.integer)) for v in x):  # epochs, steps: no ticks at 1.25
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return _done(fig)


def forecasts(dates: Sequence, truth: Sequence[float], predictions: Mapping[str, Sequence[float]], ylabel: str,
              window: tuple | None = None, title: str | None = None) -> plt.Figure:
    """A series and one or more forecasts of it over the same dates; ``window=(first, last)`` shades the
    inputs a forecast was made from.

    >>> days = np.arange(5)
    >>> fig = forecasts(days, [1, 2, 3, 2, 1], {"persistence": [1, 1, 2, 3, 2]}, "deg C", window=(0, 2))
    """
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.plot(dates, truth, color="black", lw=2, label="truth")
    for name, values in predictions.items():
        ax.plot(dates, values, lw=1.2, alpha=0.9, label=name)
    if window is not None:
        ax.axvspan(window[0], window[1], color="tab:orange", alpha=0.15, label="input window")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left", fontsize="small", ncols=2)
    fig.autofmt_xdate()
    return _done(fig)


def latent_map(z: np.ndarray, labels: Sequence[int], title: str | None = None, class_names: Sequence[str] | None = None) -> plt.Figure:
    """Points of a 2-D latent space coloured by class, one legend entry per class.

    >>> fig = latent_map(np.random.rand(20, 2), np.arange(20) % 10)
    """
    z, labels = np.asarray(z), np.asarray(labels)
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    for c in np.unique(labels):
        here = labels == c
        ax.scatter(z[here, 0], z[here, 1], s=6, alpha=0.7, color=plt.cm.tab10(int(c) % 10),
                   label=class_names[c] if class_names is not None else str(c))
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.legend(markerscale=3, fontsize="small", loc="center left", bbox_to_anchor=(1, 0.5))
    if title:
        ax.set_title(title)
    return _done(fig)


def mosaic(images: np.ndarray, xs: Sequence[float] | None = None, ys: Sequence[float] | None = None,
           title: str | None = None, size: float = 0.55) -> plt.Figure:
    """A (rows, cols, H, W) block of images as one picture, e.g. decodings over a latent grid;
    ``xs`` and ``ys`` label the columns and rows (rows drawn top to bottom).

    >>> fig = mosaic(np.zeros((3, 4, 28, 28)), xs=[0, 1, 2, 3], ys=[2, 1, 0])
    """
    images = np.asarray(images)
    rows, cols, h, w = images.shape[:4]
    tiled = images.reshape(rows, cols, h, w).transpose(0, 2, 1, 3).reshape(rows * h, cols * w)
    fig, ax = plt.subplots(figsize=(size * cols + 1, size * rows + 0.6))
    ax.imshow(tiled, cmap="gray", vmin=0, vmax=1)
    tick = lambda v: f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"  # noqa: E731 - epochs and digits stay whole
    ax.set_xticks((np.arange(cols) + 0.5) * w - 0.5, [tick(v) for v in xs] if xs is not None else [])
    ax.set_yticks((np.arange(rows) + 0.5) * h - 0.5, [tick(v) for v in ys] if ys is not None else [])
    if xs is None:
        ax.set_xticks([])
    if ys is None:
        ax.set_yticks([])
    if title:
        ax.set_title(title)
    return _done(fig)


def histograms(values: Mapping[str, Sequence[float]], xlabel: str, bins: int = 50, title: str | None = None) -> plt.Figure:
    """Overlaid histograms of named samples on shared bins, each normalised to a density.

    >>> fig = histograms({"normal": [0.1, 0.2], "anomalous": [0.5, 0.7]}, "reconstruction error")
    """
    edges = np.histogram_bin_edges(np.concatenate([np.asarray(v, float) for v in values.values()]), bins=bins)
    fig, ax = plt.subplots(figsize=(5.5, 3.3))
    for name, v in values.items():
        ax.hist(v, bins=edges, alpha=0.55, density=True, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    ax.legend()
    if title:
        ax.set_title(title)
    return _done(fig)


def class_shares(shares: Mapping[str, Sequence[float]], floor: float | None = None, title: str | None = None) -> plt.Figure:
    """Side-by-side bars of each class's share for several sources (e.g. real digits and two generators);
    ``floor`` draws a dashed line at a minimum share.

    >>> fig = class_shares({"real": np.full(10, 0.1)}, floor=0.05)
    """
    fig, ax = plt.subplots(figsize=(7, 3.2))
    width = 0.8 / len(shares)
    for i, (name, values) in enumerate(shares.items()):
        ax.bar(np.arange(len(values)) + (i - (len(shares) - 1) / 2) * width, values, width, label=name)
    if floor is not None:
        ax.axhline(floor, color="black", ls="--", lw=1, label=f"{floor:.0%}")
    ax.set_xticks(range(len(values)))
    ax.set_xlabel("class the classifier gives")
    ax.set_ylabel("share of samples")
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    return _done(fig)


def pooling(x: np.ndarray, size: int = 2, stride: int | None = None, mode: str = "max") -> plt.Figure:
    """Pooling at a glance: each window of the input in its own colour (the value max pooling keeps in bold)
    and the output cell it becomes, in the same colour.

    >>> fig = pooling(np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]))
    """
    from .by_hand import pool2d

    x = np.asarray(x)
    stride = stride or size
    out = pool2d(x, size, stride, mode)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.6), gridspec_kw={"width_ratios": [x.shape[1], max(out.shape[1], 2)]})
    colours = plt.get_cmap("tab10").colors
    for ax, values, name in ((axes[0], x, "input"), (axes[1], out, f"{mode} pool {size}x{size}, stride {stride}")):
        ax.set_xlim(-0.5, values.shape[1] - 0.5)
        ax.set_ylim(values.shape[0] - 0.5, -0.5)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(name)
    for (r, c), v in np.ndenumerate(out):
        colour = colours[(r * out.shape[1] + c) % len(colours)]
        top, left = r * stride, c * stride
        window = x[top:top + size, left:left + size]
        axes[0].add_patch(plt.Rectangle((left - 0.45, top - 0.45), size - 0.1, size - 0.1, fc=colour, alpha=0.25, ec=colour, lw=2))
        axes[1].add_patch(plt.Rectangle((c - 0.45, r - 0.45), 0.9, 0.9, fc=colour, alpha=0.25, ec=colour, lw=2))
        axes[1].text(c, r, f"{v:g}", ha="center", va="center", fontweight="bold")
        if mode == "max":
            wr, wc = np.unravel_index(np.argmax(window), window.shape)
            axes[0].plot(left + wc, top + wr, "o", ms=22, mfc="none", mec=colour, mew=2)
    for (r, c), v in np.ndenumerate(x):
        axes[0].text(c, r, f"{v:g}", ha="center", va="center")
    return _done(fig)


def _box(ax, xy: tuple[float, float], text: str, width: float = 1.0, height: float = 0.6, colour: str = "tab:blue") -> None:
    x, y = xy
    ax.add_patch(plt.Rectangle((x - width / 2, y - height / 2), width, height, fc=colour, alpha=0.2, ec=colour, lw=2))
    ax.text(x, y, text, ha="center", va="center")


def _arrow(ax, start: tuple[float, float], end: tuple[float, float], text: str = "", colour: str = "black") -> None:
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "lw": 1.8, "color": colour})
    if text:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.12, text, ha="center", va="bottom", fontsize="small")


def _operation(ax, xy: tuple[float, float], symbol: str) -> None:
    """A pointwise operation (multiply, add) drawn as a symbol in a circle."""
    ax.text(*xy, symbol, ha="center", va="center", fontsize="x-large", bbox={"boxstyle": "circle", "fc": "white"})


def _diagram(width: float, height: float, xlim: tuple[float, float], ylim: tuple[float, float]):
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.axis("off")
    return fig, ax


def unrolled_rnn(steps: int = 4) -> plt.Figure:
    """A recurrent cell unrolled over ``steps`` time steps: the same weights at every step, the state h passed on.

    >>> fig = unrolled_rnn(3)
    """
    fig, ax = _diagram(2.3 * steps + 1.5, 3.4, (-1.4, 2.2 * steps), (-1.4, 1.9))
    ax.text(-0.9, 0, "$h_0$", ha="center", va="center")
    for t in range(1, steps + 1):
        x = 2.2 * (t - 1) + 0.8
        _box(ax, (x, 0), "cell\n$W, U, b$")
        _arrow(ax, (x, -1.1), (x, -0.32))
        ax.text(x, -1.25, f"$x_{t}$", ha="center", va="top")
        _arrow(ax, (x, 0.32), (x, 1.2))
        ax.text(x, 1.3, f"$h_{t}$", ha="center", va="bottom")
        _arrow(ax, (x - 1.7 if t > 1 else -0.7, 0), (x - 0.52, 0), f"$h_{t - 1}$" if t > 1 else "")
    ax.set_title(f"$h_t = \\tanh(W x_t + U h_{{t-1}} + b)$, unrolled over {steps} steps: one cell, the same weights each step")
    return _done(fig)


def lstm_cell() -> plt.Figure:
    """The data flow of one LSTM step: forget, input and output gates around the cell state c.

    >>> fig = lstm_cell()
    """
    fig, ax = _diagram(11, 5.2, (-0.6, 10.6), (-1.6, 3.4))
    ax.plot([0, 7.4], [2.6, 2.6], color="tab:red", lw=3)  # the cell state runs straight through
    ax.text(-0.1, 2.6, "$c_{t-1}$", ha="right", va="center")
    _arrow(ax, (6.6, 2.6), (7.6, 2.6), colour="tab:red")
    ax.text(7.7, 2.6, "$c_t$", ha="left", va="center")
    ax.plot([0, 6.0], [-0.6, -0.6], color="gray", lw=2)
    ax.text(-0.1, -0.6, "$[h_{t-1}, x_t]$", ha="right", va="center")
    gates = [(1.2, "$f_t = \\sigma$", "forget"), (2.7, "$i_t = \\sigma$", "input"), (4.0, "$\\tilde c_t = \\tanh$", "candidate"),
             (5.5, "$o_t = \\sigma$", "output")]
    for x, text, name in gates:
        _arrow(ax, (x, -0.6), (x, 0.2))
        _box(ax, (x, 0.5), text, width=1.2, colour="tab:green" if name != "candidate" else "tab:orange")
        ax.text(x, -0.95, name, ha="center", va="top", fontsize="small")
    _operation(ax, (1.2, 2.6), "$\\times$")
    _arrow(ax, (1.2, 0.8), (1.2, 2.35))
    _operation(ax, (3.35, 1.6), "$\\times$")
    _arrow(ax, (2.7, 0.8), (3.2, 1.45))
    _arrow(ax, (4.0, 0.8), (3.5, 1.45))
    _operation(ax, (3.35, 2.6), "$+$")
    _arrow(ax, (3.35, 1.85), (3.35, 2.35))
    _box(ax, (6.6, 1.7), "tanh", width=0.8, height=0.45, colour="tab:orange")
    _arrow(ax, (6.6, 2.6), (6.6, 1.95))
    _operation(ax, (6.6, 0.5), "$\\times$")
    _arrow(ax, (6.6, 1.47), (6.6, 0.75))
    _arrow(ax, (6.1, 0.5), (6.38, 0.5))
    _arrow(ax, (6.85, 0.5), (7.6, 0.5))
    ax.text(7.7, 0.5, "$h_t$", ha="left", va="center")
    ax.text(8.4, 3.2, "$f_t = \\sigma(W_f x_t + U_f h_{t-1} + b_f)$\n$i_t = \\sigma(W_i x_t + U_i h_{t-1} + b_i)$\n"
                      "$o_t = \\sigma(W_o x_t + U_o h_{t-1} + b_o)$\n$\\tilde c_t = \\tanh(W_c x_t + U_c h_{t-1} + b_c)$\n"
                      "$c_t = f_t \\odot c_{t-1} + i_t \\odot \\tilde c_t$\n$h_t = o_t \\odot \\tanh(c_t)$",
            ha="left", va="top", fontsize="small", linespacing=1.8)
    ax.set_title("One LSTM step: the gates decide what the cell state forgets, adds and shows")
    return _done(fig)


def masks_over(images: Sequence[np.ndarray], masks: Sequence[np.ndarray], n_classes: int = 11,
               labels: Sequence | None = None, ncols: int = 6, size: float = 2.0) -> plt.Figure:
    """Grey scenes with each pixel's class in colour over them: class 0 (background) is left clear, class c >= 1 gets
    colour c - 1 of matplotlib's tab10 cycle, so that with 11 classes digit d (class 1 + d) has colour d, as in
    ``boxes_over``; a legend names the classes that occur.

    >>> mask = np.zeros((2, 8, 8), int); mask[:, 2:5, 2:5] = 4
    >>> fig = masks_over(np.zeros((2, 8, 8)), mask, labels=["truth", "prediction"])
    """
    from matplotlib.patches import Patch

    images, masks = list(images), [np.asarray(m) for m in masks]
    colours = plt.get_cmap("tab10" if n_classes <= 11 else "tab20")
    fig, axes = _grid(len(images), ncols, size)
    seen = set()
    for i, (ax, image, mask) in enumerate(zip(axes, images, masks)):
        ax.imshow(np.asarray(image).squeeze(), cmap="gray", vmin=0, vmax=1)
        layer = np.zeros((*mask.shape, 4))
        for c in np.unique(mask[mask > 0]):
            layer[mask == c] = (*colours((int(c) - 1) % colours.N)[:3], 0.65)
            seen.add(int(c))
        ax.imshow(layer)
        ax.set_xticks([])
        ax.set_yticks([])
        if labels is not None:
            ax.set_title(str(labels[i]))
    if seen:
        digits = n_classes == 11
        fig.legend(handles=[Patch(color=colours((c - 1) % colours.N), label=str(c - 1 if digits else c))
                            for c in sorted(seen)], loc="center right", title="digit" if digits else "class", fontsize=8)
    fig.tight_layout(rect=(0, 0, 0.9 if seen else 1, 1))  # room on the right for the legend
    plt.close(fig)
    return fig


def boxes_over(images: Sequence[np.ndarray], boxes: Sequence[np.ndarray], labels: Sequence | None = None,
               ncols: int = 6, size: float = 2.0) -> plt.Figure:
    """Grey scenes with their boxes drawn: rows (x0, y0, x1, y1, class) as ``scenes.compose`` gives them, or
    (x0, y0, x1, y1, score, class) as a detector gives them (the score is written beside the class). Each class has
    its tab10 colour, the same as in ``masks_over``.

    >>> fig = boxes_over(np.zeros((1, 16, 16)), [np.array([[2, 3, 9, 12, 4]])])
    """
    colours = plt.get_cmap("tab10")
    images = list(images)
    fig, axes = _grid(len(images), ncols, size)
    for i, (ax, image, rows) in enumerate(zip(axes, images, boxes)):
        ax.imshow(np.asarray(image).squeeze(), cmap="gray", vmin=0, vmax=1)
        for row in np.asarray(rows, dtype=float).reshape(-1, np.asarray(rows).shape[-1] if len(rows) else 5):
            x0, y0, x1, y1, label = *row[:4], int(row[-1])
            colour = colours(label % colours.N)
            ax.add_patch(plt.Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False, color=colour, lw=1.5))
            text = f"{label}" if len(row) == 5 else f"{label} {row[4]:.2f}"
            ax.text(x0 - 0.5, y0 - 1, text, color=colour, fontsize=7, va="bottom")
        ax.set_xticks([])
        ax.set_yticks([])
        if labels is not None:
            ax.set_title(str(labels[i]))
    return _done(fig)
