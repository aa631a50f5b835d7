"""course_utils.plotting and widgets: figures come back closed and complete; the explorer reacts."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import by_hand, plotting, widgets


def visible_axes(fig):
    return [ax for ax in fig.axes if ax.axison]


def test_figures_are_returned_closed_with_one_panel_per_item():
    fig = plotting.image_grid(np.zeros((5, 8, 8)), labels=list("abcde"), ncols=4)
    assert isinstance(fig, plt.Figure) and not plt.get_fignums()
    assert [ax.get_title() for ax in visible_axes(fig)] == list("abcde")
    assert len(visible_axes(plotting.show_kernels(np.zeros((3, 3, 2, 6))))) == 6
    assert len(visible_axes(plotting.feature_maps(np.zeros((1, 10, 10, 4))))) == 4
    curves = plotting.training_curves({"loss": [2, 1], "val_loss": [2, 1.5], "accuracy": [0.5, 0.7]})
    assert [ax.get_ylabel() for ax in curves.axes] == ["loss", "accuracy"]
    assert len(curves.axes[0].lines) == 2 and len(curves.axes[1].lines) == 1
    assert [ax.get_title() for ax in plotting.compare_images({"a": np.eye(3), "b": np.eye(3)}).axes] == ["a", "b"]


def test_correlation_step_shows_the_sum_of_products():
    image = np.arange(16).reshape(4, 4)
    fig = plotting.correlation_step(image, np.ones((3, 3)), 1, 1)
    assert fig._suptitle.get_text().endswith(f"= {image[1:4, 1:4].sum()}")


def texts(ax):
    return [t.get_text() for t in ax.texts]


def test_pooling_shows_the_lecture_example_and_marks_each_maximum():
    x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])
    fig = plotting.pooling(x)
    assert texts(fig.axes[1]) == ["6", "8", "3", "4"]
    assert texts(fig.axes[0]) == [str(v) for v in x.ravel()]
    assert len(fig.axes[0].lines) == 4 and len(fig.axes[0].patches) == 4
    overlapping = plotting.pooling(np.arange(25).reshape(5, 5), size=3, stride=1, mode="average")
    assert texts(overlapping.axes[1]) == [f"{v:g}" for v in by_hand.pool2d(np.arange(25).reshape(5, 5), 3, 1, "average").ravel()]
    assert not overlapping.axes[0].lines  # nothing to mark for an average


def test_diagrams_of_recurrent_cells():
    rnn = plotting.unrolled_rnn(5)
    assert len(rnn.axes[0].patches) == 5 and "$x_5$" in texts(rnn.axes[0]) and "$h_5$" in texts(rnn.axes[0])
    equations = " ".join(texts(plotting.lstm_cell().axes[0]))
    assert "c_t = f_t \\odot c_{t-1} + i_t \\odot \\tilde c_t" in equations and "\\sigma(W_f x_t" in equations


def test_speedups_mark_the_baseline_and_colour_gains_and_losses():
    fig = plotting.speedups({"plain": 1.0, "XLA": 0.5, "batch 512": 1.4})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["batch 512", "XLA", "plain"]  # first entry on top
    assert [t.get_text() for t in ax.texts] == ["1.40x", "0.50x", "1.00x"]
    assert [p.get_facecolor()[:3] for p in ax.patches][0] != [p.get_facecolor()[:3] for p in ax.patches][1]
    assert ax.lines[0].get_xdata()[0] == 1.0


def test_lines_over_whole_numbers_get_whole_ticks():
    fig = plotting.lines(range(1, 4), {"a": [3, 0.1, 0.5]}, "epoch", "seconds", logy=True)
    assert all(float(t).is_integer() for t in fig.axes[0].get_xticks())
    import pandas as pd

    dates = pd.date_range("2015-01-01", periods=3)  # other x values keep matplotlib's own ticks
    assert plotting.lines(dates, {"a": [1, 2, 3]}, "day", "value").axes[0].lines[0].get_xdata().size == 3


def test_styles():
    plotting.set_style("presentation")
    assert plt.rcParams["font.size"] == 16
    plotting.set_style("notebook")
    assert plt.rcParams["font.size"] == 10
    with pytest.raises(ValueError, match="presentation"):
        plotting.set_style("poster")


def test_kernel_explorer_applies_picked_and_edited_kernels():
    image = np.random.default_rng(0).random((12, 10))
    box = widgets.kernel_explorer(image)
    np.testing.assert_allclose(box.result, image)  # starts with the identity kernel
    box.picker.value = "Sobel x (vertical edges)"
    np.testing.assert_allclose(box.result, by_hand.correlate2d(image, by_hand.KERNELS["Sobel x (vertical edges)"], padding=1))
    assert [c.value for c in box.cells] == [-1, 0, 1, -2, 0, 2, -1, 0, 1]
    box.cells[4].value = 1.0
    edited = by_hand.KERNELS["Sobel x (vertical edges)"].copy()
    edited[1, 1] = 1.0
    np.testing.assert_allclose(box.result, by_hand.correlate2d(image, edited, padding=1))


def test_kernel_explorer_defaults_to_the_photograph():
    box = widgets.kernel_explorer()
    assert box.result.shape == (600, 512)


def test_forecast_plot_draws_truth_each_forecast_and_the_input_window():
    days = np.arange("2015-01-01", "2015-01-11", dtype="datetime64[D]")
    fig = plotting.forecasts(days, np.arange(10.0), {"a": np.zeros(10), "b": np.ones(10)}, "deg C", window=(days[0], days[3]))
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["truth", "a", "b"]
    assert "input window" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_forecast_explorer_follows_the_slider_and_the_model():
    import pandas as pd

    days = pd.date_range("2015-01-01", periods=50)
    truth = np.arange(50.0)
    box = widgets.forecast_explorer(days, truth, {"late": truth - 1, "exact": truth}, window=14, horizon=1)
    assert box.day.value == 15 and box.error == 1.0
    box.model.value = "exact"
    assert box.error == 0.0
    box.model.value, box.day.value = "late", 0  # the first day: its inputs lie before the shown period
    assert box.error == 1.0


def test_generative_figures_show_what_they_are_given():
    fig = plotting.latent_map(np.random.default_rng(0).normal(size=(30, 2)), np.arange(30) % 3)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["0", "1", "2"]
    tiles = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5) / 120
    image = plotting.mosaic(tiles, xs=[0, 1, 2], ys=[1, 0]).axes[0].images[0].get_array()
    assert image.shape == (8, 15) and np.allclose(image[4:8, 5:10], tiles[1, 1])  # row 1, column 1
    hist = plotting.histograms({"normal": [0.1, 0.2], "anomalous": [0.5, 0.7]}, "error")
    assert [t.get_text() for t in hist.axes[0].get_legend().get_texts()] == ["normal", "anomalous"]
    shares = plotting.class_shares({"real": np.full(10, 0.1), "fake": np.eye(10)[3]}, floor=0.05)
    assert len(shares.axes[0].patches) == 20 and not plt.get_fignums()


class _Decoder:
    """A stand-in decoder: the image is z1 everywhere (only its predict is used)."""

    def predict(self, z, verbose=0):
        return np.full((len(z), 28, 28, 1), z[0, 0], dtype="float32")


def test_latent_explorer_decodes_the_point_the_sliders_pick():
    box = widgets.latent_explorer(_Decoder(), np.zeros((5, 2)), np.arange(5))
    assert np.allclose(box.image, 0.0)
    box.z1.value = 0.7
    assert np.allclose(box.image, 0.7)


def test_digit_drawer_asks_the_generator_for_the_chosen_digit():
    class Conditional:
        def predict(self, inputs, batch_size=None, verbose=0):
            noise, labels = inputs
            return np.broadcast_to(labels[:, :, None, None] / 4.5 - 1, (len(labels), 28, 28, 1))

    box = widgets.digit_drawer(Conditional(), n=4)
    assert box.images.shape == (4, 28, 28, 1) and np.allclose(box.images, 3 / 9)
    box.digit.value = 9
    assert np.allclose(box.images, 1.0)
