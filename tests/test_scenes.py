"""course_utils.scenes: canvases of several real items whose pixel labels and boxes are exact."""
import numpy as np
import pytest

from course_utils import scenes


def digits(n: int = 40, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Blobs of ink of random sizes and strokes on 28 x 28, with faint pixels around them, and their classes."""
    rng = np.random.default_rng(seed)
    items = rng.uniform(0, 0.2, (n, 28, 28)).astype("float32")
    for item in items:
        top, left = rng.integers(2, 10, 2)
        item[top:top + rng.integers(8, 18), left:left + rng.integers(4, 16)] = rng.uniform(0.6, 1.0)
    return items, rng.integers(0, 10, n)


def test_every_pixel_of_ink_is_labelled_with_its_items_class_and_nothing_else_is():
    items, labels = digits()
    made = scenes.compose(items, labels, n_scenes=30, size=64, per_scene=(2, 5), seed=3)
    assert np.array_equal(made.masks > 0, made.images > 0.5)
    for image, mask, boxes, sources in zip(made.images, made.masks, made.boxes, made.sources):
        assert len(boxes) == len(sources) >= 1
        for (x0, y0, x1, y1, label), source in zip(boxes, sources):
            assert label == labels[source]
            inside = mask[y0:y1, x0:x1]
            assert set(np.unique(inside)) <= {0, 1 + label}  # boxes never overlap another item's ink
            rows, cols = np.nonzero(inside == 1 + label)
            assert (rows.min(), cols.min(), rows.max(), cols.max()) == (0, 0, y1 - y0 - 1, x1 - x0 - 1)  # tight
        assert int((mask > 0).sum()) == sum(int(((items[s] > 0.5)).sum()) for s in sources)  # all of each item's ink


def test_the_same_seed_gives_the_same_scenes_and_another_seed_others():
    items, labels = digits()
    first, again = (scenes.compose(items, labels, 5, seed=8) for _ in range(2))
    other = scenes.compose(items, labels, 5, seed=9)
    assert np.array_equal(first.images, again.images) and np.array_equal(first.masks, again.masks)
    assert all(np.array_equal(a, b) for a, b in zip(first.boxes, again.boxes))
    assert not np.array_equal(first.images, other.images)


def test_a_crowded_canvas_holds_fewer_items_and_an_item_without_ink_none():
    items, labels = digits(10)
    made = scenes.compose(items, labels, n_scenes=5, size=32, per_scene=(6, 6), seed=0)
    assert all(1 <= len(b) < 6 for b in made.boxes)
    blank = scenes.compose(np.zeros((2, 28, 28)), [3, 4], n_scenes=2, size=40, seed=0)
    assert [len(b) for b in blank.boxes] == [0, 0] and not blank.masks.any()


def test_bytes_are_read_as_pixels_and_shapes_that_cannot_fit_are_refused():
    items, labels = digits(5)
    as_bytes = scenes.compose((items * 255).round().astype("uint8"), labels, 3, seed=2)
    assert as_bytes.images.max() <= 1 and as_bytes.masks.any()
    with pytest.raises(ValueError, match="do not fit"):
        scenes.compose(items, labels, 1, size=20)
    with pytest.raises(ValueError, match="grey images"):
        scenes.compose(items[..., None], labels, 1)


def test_every_item_once_places_each_item_with_ink_exactly_once_and_stops_when_they_run_out():
    items, labels = digits(41)
    items[7] = 0.1  # no ink: never placed
    made = scenes.compose(items, labels, None, size=48, per_scene=(2, 5), seed=4, every_item_once=True)
    placed = np.concatenate(made.sources)
    assert sorted(placed.tolist()) == [i for i in range(41) if i != 7]
    assert len(made.images) == len(made.masks) == len(made.boxes) < 41 and all(len(b) for b in made.boxes)
    assert np.array_equal(made.masks > 0, made.images > 0.5)
    fewer = scenes.compose(items, labels, 3, size=48, per_scene=(2, 5), seed=4, every_item_once=True)
    assert len(fewer.images) == 3 and all(np.array_equal(a, b) for a, b in zip(fewer.sources, made.sources))
    with pytest.raises(ValueError, match="every_item_once"):
        scenes.compose(items, labels, None)
