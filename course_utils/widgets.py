"""Interactive explorers built with ipywidgets.

    >>> from course_utils import widgets
    >>> widgets.kernel_explorer()                   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Mapping

import ipywidgets as w
import numpy as np
from IPython.display import display

from . import ops, plotting


def kernel_explorer(image: np.ndarray | None = None, kernels: Mapping[str, np.ndarray] | None = None) -> w.VBox:
    """Pick a classic 3x3 kernel or type your own weights, and see it applied to a real photograph.

    The returned box also carries ``.picker`` (the drop-down), ``.cells`` (the nine weight boxes)
    and ``.result`` (the latest filtered image), so it can be driven from code.

    >>> box = kernel_explorer(np.eye(5))           # doctest: +SKIP
    >>> box.picker.value = "sharpen"               # doctest: +SKIP
    >>> box.result.shape                           # doctest: +SKIP
    (5, 5)
    """
    if image is None:
        from . import data

        image = data.load("grace_hopper")
    grey = ops.to_grey(image)
    kernels = dict(kernels or ops.KERNELS)
    picker = w.Dropdown(options=list(kernels), description="kernel")
    cells = [w.FloatText(layout=w.Layout(width="5em")) for _ in range(9)]
    grid = w.GridBox(cells, layout=w.Layout(grid_template_columns="repeat(3, 5.5em)"))
    out = w.Output()
    box = w.VBox([picker, w.HTML("weights (edit them):"), grid, out])
    loading = {"preset": False}

    def render(*_):
        if loading["preset"]:
            return
        kernel = np.array([c.value for c in cells]).reshape(3, 3)
        box.result = ops.correlate2d(grey, kernel, padding=1)
        with out:
            out.clear_output(wait=True)
            shown = {"image": grey, f"after the kernel (weights sum to {kernel.sum():.2f})": box.result}
            display(plotting.compare_images(shown, robust=True))

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
