"""Interactive explorers built with ipywidgets.

Each explorer draws its figure as PNG bytes into an ``ipywidgets.Image``, never through an ``Output`` widget.
Notebook executors without a front end (nbclient, and so papermill, ``jupyter nbconvert --execute`` and nbgrader)
emulate an ``Output`` widget by sending its new state back to the kernel on the shell socket while they wait on that
socket for the cell's reply. jupyter_client sends through a blocking shadow of the asyncio socket, so pyzmq does not
look at the socket's edge-triggered events again after the send, and a reply that arrived just before it is never
noticed: the run waits forever with the kernel idle. Measured on 2 CPU cores (2026-12-01), notebook 02 run by
nbclient with no cell timeout, as papermill and nbconvert run it: with an ``Output`` widget 4 runs in 24 hung at the
kernel explorer, the execute reply waiting unread in the shell socket; with an ``Image``, 0 in 20. An ``Image`` only
receives updates from the kernel, so no client sends anything while a cell runs.

    >>> from course_utils import widgets
    >>> box = widgets.kernel_explorer()   # in a notebook, end the cell with `box` to show it
"""
from __future__ import annotations

import io
from typing import Mapping

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np

from . import by_hand, plotting


def _picture() -> w.Image:
    """An empty image widget for an explorer's figure."""
    return w.Image(format="png", layout=w.Layout(max_width="100%"))


def _draw(picture: w.Image, fig: plt.Figure) -> None:
    """Show ``fig`` in ``picture`` (as PNG bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    picture.value = buffer.getvalue()


def kernel_explorer(image: np.ndarray | None = None, kernels: Mapping[str, np.ndarray] | None = None) -> w.VBox:
    """Pick a classic 3x3 kernel or type your own weights, and see it applied to a real photograph.

    The returned box also carries ``.picker`` (the drop-down), ``.cells`` (the nine weight boxes)
    and ``.result`` (the latest filtered image), so it can be driven from code.

    >>> box = kernel_explorer(np.eye(5))
    >>> box.picker.value = "sharpen"
    >>> box.result.shape
    (5, 5)
    """
    if image is None:
        from . import data

        image = data.load("grace_hopper")
    grey = by_hand.to_grey(image)
    kernels = dict(kernels or by_hand.KERNELS)
    picker = w.Dropdown(options=list(kernels), description="kernel")
    cells = [w.FloatText(layout=w.Layout(width="5em")) for _ in range(9)]
    grid = w.GridBox(cells, layout=w.Layout(grid_template_columns="repeat(3, 5.5em)"))
    picture = _picture()
    box = w.VBox([picker, w.HTML("weights (edit them):"), grid, picture])
    loading = {"preset": False}

    def render(*_):
        if loading["preset"]:
            return
        kernel = np.array([c.value for c in cells]).reshape(3, 3)
        box.result = by_hand.correlate2d(grey, kernel, padding=1)
        shown = {"image": grey, f"after the kernel (weights sum to {kernel.sum():.2f})": box.result}
        _draw(picture, plotting.compare_images(shown, robust=True))

    def load_preset(*_):
        loading["preset"] = True
        for cell, value in zip(cells, kernels[picker.value].ravel()):
            cell.value = round(float(value), 4)
        loading["preset"] = False
        render()

    picker.observe(load_preset, names="value")
    for cell in cells:
        cell.observe(render, names="value")
    box.picker, box.cells = picker, cells
    load_preset()
    return box


def forecast_explorer(dates, truth: np.ndarray, predictions: Mapping[str, np.ndarray], window: int,
                      horizon: int = 1, span: int = 42, ylabel: str = "") -> w.VBox:
    """Slide along a test period: the input window that feeds the forecast of the chosen day is shaded,
    and the chosen model's forecasts are drawn against the truth around it.

    ``dates``, ``truth`` and every prediction share one time axis (e.g. the test targets), and each
    prediction was made from ``window`` values ending ``horizon`` steps before its date. The returned box carries
    ``.day`` (the slider), ``.model`` (the drop-down) and ``.error`` (that day's absolute error).

    >>> import pandas as pd
    >>> days = pd.date_range("2015-01-01", periods=120, freq="D")
    >>> truth = 10 + np.sin(np.arange(120) / 6)
    >>> box = forecast_explorer(days, truth, {"yesterday": np.roll(truth, 1)}, window=14)
    >>> box.day.value = 100
    >>> round(float(box.error), 3)
    0.107
    """
    truth = np.asarray(truth, dtype=float)
    predictions = {name: np.asarray(p, dtype=float) for name, p in predictions.items()}
    day = w.IntSlider(value=min(window + horizon, len(truth) - 1), min=0, max=len(truth) - 1, description="day",
                      continuous_update=False)
    model = w.Dropdown(options=list(predictions), description="model")
    picture = _picture()
    box = w.VBox([w.HBox([day, model]), picture])

    def render(*_):
        t = day.value
        first, last = max(0, t - horizon - window + 1), max(0, t - horizon)
        shown = slice(first, min(len(truth), t + span))  # the inputs, the chosen day and what follows
        forecast = predictions[model.value]
        box.error = abs(forecast[t] - truth[t])
        title = (f"{dates[t]:%Y-%m-%d}: truth {truth[t]:.1f}, {model.value} {forecast[t]:.1f} "
                 f"(error {box.error:.1f}); shaded: its inputs")
        window_span = (dates[first], dates[last])
        _draw(picture, plotting.forecasts(dates[shown], truth[shown], {model.value: forecast[shown]}, ylabel,
                                          window=window_span, title=title))

    day.observe(render, names="value")
    model.observe(render, names="value")
    box.day, box.model = day, model
    render()
    return box


def latent_explorer(decoder, codes: np.ndarray | None = None, labels: np.ndarray | None = None, limit: float = 3.0) -> w.VBox:
    """Two sliders pick a point (z1, z2) of a 2-D code space; the decoder draws its image, next to the
    map of ``codes`` (coloured by ``labels``) with the point marked. The box carries ``.z1``, ``.z2``
    and ``.image`` (the latest decoded image).

    >>> from course_utils import data
    >>> box = latent_explorer(data.load("vae_decoder"))   # in notebook 06 with the test set's codes and labels
    >>> box.z1.value = 1.5
    >>> box.image.shape
    (28, 28)
    """
    z1, z2 = (w.FloatSlider(value=0.0, min=-limit, max=limit, step=0.1, description=name, continuous_update=False)
              for name in ("z1", "z2"))
    picture = _picture()
    box = w.VBox([w.HBox([z1, z2]), picture])

    def render(*_):
        point = np.array([[z1.value, z2.value]], dtype="float32")
        box.image = np.asarray(decoder.predict(point, verbose=0))[0, ..., 0]
        fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3.4))
        if codes is not None:
            left.scatter(codes[:, 0], codes[:, 1], s=4, alpha=0.5,
                         c=None if labels is None else plt.cm.tab10(np.asarray(labels) % 10))
        left.plot(*point[0], "k*", markersize=16)
        left.set(xlim=(-limit, limit), ylim=(-limit, limit), xlabel="$z_1$", ylabel="$z_2$", title="code space")
        right.imshow(box.image, cmap="gray", vmin=0, vmax=1)
        right.set(xticks=[], yticks=[], title=f"decoded at ({z1.value:.1f}, {z2.value:.1f})")
        fig.tight_layout()
        plt.close(fig)
        _draw(picture, fig)

    z1.observe(render, names="value")
    z2.observe(render, names="value")
    box.z1, box.z2 = z1, z2
    render()
    return box


def digit_drawer(generator, n: int = 8) -> w.VBox:
    """Pick a digit and a noise seed; a conditional generator draws ``n`` samples of that digit.
    The box carries ``.digit``, ``.seed`` and ``.images`` (the latest samples, in [0, 1]).

    >>> from course_utils import data
    >>> box = digit_drawer(data.load("cgan_generator"))
    >>> box.digit.value = 7
    >>> box.images.shape
    (8, 28, 28, 1)
    """
    from . import judging

    digit = w.IntSlider(value=3, min=0, max=9, description="digit", continuous_update=False)
    seed = w.IntSlider(value=0, min=0, max=99, description="noise seed", continuous_update=False)
    picture = _picture()
    box = w.VBox([w.HBox([digit, seed]), picture])

    def render(*_):
        box.images = judging.generate(generator, n, seed=seed.value, labels=np.full(n, digit.value))
        _draw(picture, plotting.image_grid(box.images, ncols=n, size=1.1, title=f"the generator's {digit.value}s"))

    digit.observe(render, names="value")
    seed.observe(render, names="value")
    box.digit, box.seed = digit, seed
    render()
    return box
