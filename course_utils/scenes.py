"""Scenes of several real digits or clothes on one canvas, with the class of every pixel and a box around every item.

No registry ships a segmentation or detection set worth training on, so the course composes its own from real items
it has (MNIST, Fashion-MNIST): each item is pasted whole at a position drawn with a fixed seed, where its ink (pixels
above ``threshold``) touches no other item's box. The labels are then exact: a pixel is an item's when that item's ink
covers it, and a box is the tightest one around an item's ink.

    >>> import numpy as np
    >>> items = np.zeros((3, 28, 28), "float32"); items[:, 10:18, 12:16] = 1.0
    >>> scenes = compose(items, np.array([4, 7, 1]), n_scenes=2, size=56, per_scene=(2, 2), seed=0)
    >>> scenes.images.shape, scenes.masks.shape, [len(b) for b in scenes.boxes]
    ((2, 56, 56), (2, 56, 56), [2, 2])
    >>> int(scenes.boxes[0][0, 2] - scenes.boxes[0][0, 0]), int(scenes.boxes[0][0, 3] - scenes.boxes[0][0, 1])
    (4, 8)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Scenes:
    images: np.ndarray        # (n, size, size) float32 in [0, 1]
    masks: np.ndarray         # (n, size, size) int32: 0 background, 1 + the class of the item whose ink is there
    boxes: list[np.ndarray]   # per scene (items, 5) int32: x0, y0, x1, y1 (x1 and y1 one past the ink), class
    sources: list[np.ndarray]  # per scene, the index in ``items`` of each item placed


def ink_box(item: np.ndarray, threshold: float) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) of the pixels of ``item`` above ``threshold`` (x1, y1 one past them); None when it has none.

    >>> ink_box(np.eye(4)[::-1] * 0.9, 0.5)
    (0, 0, 4, 4)
    """
    rows, cols = np.nonzero(item > threshold)
    if rows.size == 0:
        return None
    return int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1


def _overlaps(box: tuple[int, int, int, int], others: list[tuple[int, int, int, int]]) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in others)


def compose(items: np.ndarray, labels: np.ndarray, n_scenes: int | None, size: int = 64,
            per_scene: tuple[int, int] = (2, 4), threshold: float = 0.5, seed: int = 0, tries: int = 50,
            every_item_once: bool = False) -> Scenes:
    """``n_scenes`` canvases of ``size`` x ``size``, each with ``per_scene`` (least, most) items drawn from ``items``
    ((m, h, w) in [0, 1], or 0-255) whose classes are ``labels``; the same ``seed`` gives the same scenes. An item for
    which no free place turns up in ``tries`` draws is left out of its scene (a crowded canvas holds fewer).

    ``every_item_once=True`` draws without replacement: each item with ink is placed exactly once (one left out of a
    crowded scene opens the next), and scenes are made until the items run out, at most ``n_scenes`` (None: no limit).
    All 10,000 MNIST test digits then make one test set of scenes."""
    items = np.asarray(items, dtype="float32")
    if items.ndim != 3:
        raise ValueError(f"items should be grey images (m, height, width), not of shape {items.shape}")
    if items.max() > 1:
        items = items / 255.0
    labels = np.asarray(labels)
    height, width = items.shape[1:]
    if height > size or width > size:
        raise ValueError(f"items of {height} x {width} do not fit a canvas of {size} x {size}")
    rng = np.random.default_rng(seed)
    queue: list[int] = []
    if every_item_once:
        queue = [int(i) for i in rng.permutation(len(items)) if (items[i] > threshold).any()]
        most = len(queue)  # every scene places at least its first item, on an empty canvas
        n_scenes = most if n_scenes is None else min(n_scenes, most)
    elif n_scenes is None:
        raise ValueError("n_scenes=None needs every_item_once=True: say how many scenes to make")
    images, masks, boxes, sources = [], [], [], []
    for _ in range(n_scenes):
        image, mask = np.zeros((size, size), "float32"), np.zeros((size, size), "int32")
        placed, chosen = [], []
        count = int(rng.integers(per_scene[0], per_scene[1] + 1))
        if every_item_once:
            if not queue:
                break
            drawn, queue = queue[:count], queue[count:]
        else:
            drawn = rng.choice(len(items), count)
        for index in drawn:
            ink = ink_box(items[index], threshold)
            if ink is None:
                continue
            for _ in range(tries):
                top, left = (int(v) for v in rng.integers(0, [size - height + 1, size - width + 1]))
                box = (left + ink[0], top + ink[1], left + ink[2], top + ink[3])
                if not _overlaps(box, [b[:4] for b in placed]):
                    break
            else:
                if every_item_once:
                    queue.insert(0, int(index))  # it opens the next scene, where the canvas is empty
                continue
            patch = image[top:top + height, left:left + width]
            np.maximum(patch, items[index], out=patch)
            mask[top:top + height, left:left + width][items[index] > threshold] = 1 + int(labels[index])
            placed.append((*box, int(labels[index])))
            chosen.append(int(index))
        boxes.append(np.array(placed, dtype="int32").reshape(-1, 5))
        sources.append(np.array(chosen, dtype="int64"))
        images.append(image)
        masks.append(mask)
    shape = (0, size, size)
    return Scenes(np.stack(images) if images else np.zeros(shape, "float32"),
                  np.stack(masks) if masks else np.zeros(shape, "int32"), boxes, sources)
