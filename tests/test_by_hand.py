"""course_utils.by_hand: the lecture's worked examples exactly, and agreement with SciPy and Keras."""
import numpy as np
import pytest
import scipy.signal
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils import by_hand

E1_IMAGE = np.array([[2, 2, 6, 8, 2, 0, 1, 2], [4, 3, 4, 5, 1, 9, 6, 3], [3, 9, 4, 4, 7, 7, 6, 9],
                     [1, 3, 4, 6, 8, 2, 2, 1], [8, 4, 6, 2, 3, 1, 8, 8], [5, 8, 9, 0, 1, 0, 2, 3],
                     [9, 2, 6, 6, 3, 6, 2, 1], [9, 8, 8, 2, 6, 3, 4, 5]])
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])


def test_e1_first_value_is_5_and_true_convolution_gives_minus_5():
    assert by_hand.correlate2d(E1_IMAGE, SOBEL_X)[0, 0] == 5
    assert by_hand.convolve2d(E1_IMAGE, SOBEL_X)[0, 0] == -5
    assert by_hand.correlate2d(E1_IMAGE, SOBEL_X).shape == (6, 6)


def test_e2_binary_feature_map():
    image = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]])
    kernel = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])
    np.testing.assert_array_equal(by_hand.correlate2d(image, kernel), [[4, 3, 4], [2, 4, 3], [2, 3, 4]])


def test_e3_zero_padding_of_the_corner():
    padded = by_hand.pad(E1_IMAGE[:5, :5], 1)
    assert padded.shape == (7, 7)
    assert padded[0].sum() == padded[-1].sum() == padded[:, 0].sum() == padded[:, -1].sum() == 0
    np.testing.assert_array_equal(padded[1:-1, 1:-1], E1_IMAGE[:5, :5])
    np.testing.assert_array_equal(padded[1], [0, 2, 2, 6, 8, 2, 0])


def test_e4_and_e6_max_pooling():
    x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])
    np.testing.assert_array_equal(by_hand.pool2d(x, 2), [[6, 8], [3, 4]])
    np.testing.assert_array_equal(by_hand.pool2d(x, 2, mode="average"), [[3.25, 5.25], [2, 2]])
    m = np.array([[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]])
    np.testing.assert_array_equal(by_hand.pool2d(m, 3, stride=1), [[3, 3, 3], [3, 3, 3], [3, 2, 3]])


def test_e9_output_size_and_parameters():
    assert [by_hand.output_size(7, 3, stride=s) for s in (1, 2)] == [5, 3]
    with pytest.raises(ValueError, match="does not fit"):
        by_hand.output_size(7, 3, stride=3)
    assert by_hand.output_size(7, 3, stride=3, strict=False) == 2
    assert by_hand.output_size(7, 3, padding=1) == 7
    assert by_hand.output_size(32, 5, stride=1, padding=2) == 32
    assert by_hand.conv_params(5, 3, 10) == 760


def test_bad_arguments_say_what_is_wrong():
    with pytest.raises(ValueError, match="channels"):
        by_hand.correlate2d(np.zeros((5, 5, 3)), np.zeros((3, 3, 2)))
    with pytest.raises(ValueError, match="kernel"):
        by_hand.correlate2d(np.zeros((5, 5)), np.zeros((3, 3, 1)))
    with pytest.raises(ValueError, match="does not fit"):
        by_hand.correlate2d(np.zeros((2, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="mode"):
        by_hand.pool2d(np.zeros((4, 4)), 2, mode="median")


def test_to_grey_weights_and_range():
    rgb = np.zeros((1, 3, 3), dtype=np.uint8)
    rgb[0, 0, 0], rgb[0, 1, 1], rgb[0, 2, 2] = 255, 255, 255
    np.testing.assert_allclose(by_hand.to_grey(rgb)[0], [0.299, 0.587, 0.114])
    assert by_hand.to_grey(np.ones((2, 2))).max() == 1.0


small_images = st.tuples(st.integers(3, 12), st.integers(3, 12)).flatmap(
    lambda shape: arrays(np.float64, shape, elements=st.floats(-10, 10, width=32)))


@given(image=small_images, k=st.integers(1, 3), data=st.data())
@settings(max_examples=60, deadline=None)
def test_correlate_and_convolve_match_scipy(image, k, data):
    kernel = data.draw(arrays(np.float64, (k, k), elements=st.floats(-3, 3, width=32)))
    np.testing.assert_allclose(by_hand.correlate2d(image, kernel), scipy.signal.correlate2d(image, kernel, mode="valid"), atol=1e-9)
    np.testing.assert_allclose(by_hand.convolve2d(image, kernel), scipy.signal.convolve2d(image, kernel, mode="valid"), atol=1e-9)


@given(image=small_images, p=st.integers(0, 2), s=st.integers(1, 3))
@settings(max_examples=40, deadline=None)
def test_padding_and_stride_match_a_strided_scipy_result(image, p, s):
    kernel = np.arange(9.0).reshape(3, 3) - 4
    full = scipy.signal.correlate2d(np.pad(image, p), kernel, mode="valid")[::s, ::s]
    n_h, n_w = image.shape[0] - 3 + 2 * p, image.shape[1] - 3 + 2 * p
    if n_h % s or n_w % s:
        with pytest.raises(ValueError):
            by_hand.correlate2d(image, kernel, stride=s, padding=p)
    else:
        np.testing.assert_allclose(by_hand.correlate2d(image, kernel, stride=s, padding=p), full, atol=1e-9)


@given(h=st.integers(3, 9), w=st.integers(3, 9), c=st.integers(1, 3), f=st.integers(1, 4),
       k=st.sampled_from([1, 2, 3]), stride=st.integers(1, 2), same=st.booleans(), seed=st.integers(0, 1000))
@settings(max_examples=25, deadline=None)
def test_conv2d_equals_keras_conv2d(h, w, c, f, k, stride, same, seed):
    import keras

    padding = (k - 1) // 2 if same else 0
    assume(not same or (k % 2 and stride == 1))  # Keras pads "same" unevenly for even kernels or strides
    assume((h - k + 2 * padding) % stride == 0 and (w - k + 2 * padding) % stride == 0)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(1, h, w, c)).astype("float32")
    layer = keras.layers.Conv2D(f, k, strides=stride, padding="same" if same else "valid")
    layer.build((1, h, w, c))
    weights, bias = rng.normal(size=(k, k, c, f)).astype("float32"), rng.normal(size=f).astype("float32")
    layer.set_weights([weights, bias])
    np.testing.assert_allclose(by_hand.conv2d(x[0], weights, bias, stride=stride, padding=padding), layer(x).numpy()[0], atol=1e-4)
    assert layer.count_params() == by_hand.conv_params(k, c, f)


@given(h=st.integers(2, 9), c=st.integers(1, 3), size=st.integers(1, 3), seed=st.integers(0, 1000))
@settings(max_examples=25, deadline=None)
def test_pool2d_equals_keras_pooling(h, c, size, seed):
    import keras

    assume(h >= size and (h - size) % size == 0)
    x = np.random.default_rng(seed).normal(size=(1, h, h, c)).astype("float32")
    np.testing.assert_allclose(by_hand.pool2d(x[0], size), keras.layers.MaxPooling2D(size)(x).numpy()[0], atol=1e-6)
    np.testing.assert_allclose(by_hand.pool2d(x[0], size, mode="average"), keras.layers.AveragePooling2D(size)(x).numpy()[0], atol=1e-5)


# --------------------------------------------------------------------------- recurrent cells (E15)


def _run_numpy(step, x, state_count, units, weights, **kw):
    states = [np.zeros((len(x), units)) for _ in range(state_count)]
    outputs = []
    for t in range(x.shape[1]):
        result = step(x[:, t], *states, *weights, **kw)
        states = list(result) if isinstance(result, tuple) else [result]
        outputs.append(states[0])
    return np.stack(outputs, axis=1)


def _random_weights(layer, rng):
    return [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in layer.get_weights()]


@pytest.mark.parametrize("units, inputs, steps", [(1, 1, 1), (3, 2, 7), (8, 5, 20)])
def test_lstm_step_matches_keras_lstm(units, inputs, steps):
    import keras

    rng = np.random.default_rng(units)
    layer = keras.layers.LSTM(units, return_sequences=True)
    layer.build((None, steps, inputs))
    weights = _random_weights(layer, rng)
    layer.set_weights(weights)
    x = rng.normal(size=(4, steps, inputs)).astype("float32")
    np.testing.assert_allclose(_run_numpy(by_hand.lstm_step, x, 2, units, weights), layer(x), atol=1e-5)


@pytest.mark.parametrize("reset_after", [False, True])
@pytest.mark.parametrize("units, inputs, steps", [(1, 1, 1), (3, 2, 7), (8, 5, 20)])
def test_gru_step_matches_keras_gru_in_both_forms(units, inputs, steps, reset_after):
    import keras

    rng = np.random.default_rng(units)
    layer = keras.layers.GRU(units, return_sequences=True, reset_after=reset_after)
    layer.build((None, steps, inputs))
    weights = _random_weights(layer, rng)
    layer.set_weights(weights)
    x = rng.normal(size=(4, steps, inputs)).astype("float32")
    got = _run_numpy(by_hand.gru_step, x, 1, units, weights, reset_after=reset_after)
    np.testing.assert_allclose(got, layer(x), atol=1e-5)


def test_gru_forms_differ_and_update_gate_keeps_the_state():
    rng = np.random.default_rng(0)
    x, h = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    kernel, recurrent, bias = rng.normal(size=(3, 12)), rng.normal(size=(4, 12)), rng.normal(size=12)
    lecture = by_hand.gru_step(x, h, kernel, recurrent, bias)
    keras_default = by_hand.gru_step(x, h, kernel, recurrent, np.stack([bias, np.zeros(12)]), reset_after=True)
    assert not np.allclose(lecture, keras_default)
    keep = bias.copy()
    keep[:4] = 50.0  # update gate z = 1: the state passes unchanged
    np.testing.assert_allclose(by_hand.gru_step(x, h, kernel, recurrent, keep), h, atol=1e-12)


def test_lstm_forget_gate_closed_and_input_gate_open_replaces_the_memory():
    x, h, c = np.ones((1, 1)), np.zeros((1, 1)), np.full((1, 1), 5.0)
    bias = np.array([50.0, -50.0, 0.0, 50.0])  # i = 1, f = 0, candidate tanh(0 + x * 1), o = 1
    kernel = np.array([[0.0, 0.0, 1.0, 0.0]])
    h_new, c_new = by_hand.lstm_step(x, h, c, kernel, np.zeros((1, 4)), bias)
    np.testing.assert_allclose(c_new, np.tanh(1.0), atol=1e-12)
    np.testing.assert_allclose(h_new, np.tanh(np.tanh(1.0)), atol=1e-12)


# --------------------------------------------------------------------------- generative models (E16, E17)


def test_e16_kl_closed_form_equals_monte_carlo_and_the_slide_form_goes_negative():
    mu, sigma = 0.5, 0.8
    closed = float(by_hand.kl_to_standard_normal(np.array([mu]), np.log(np.array([sigma ** 2]))))
    assert round(closed, 5) == 0.16814
    rng = np.random.default_rng(0)
    z = rng.normal(mu, sigma, size=2_000_000)
    log_q = -0.5 * np.log(2 * np.pi * sigma ** 2) - (z - mu) ** 2 / (2 * sigma ** 2)
    log_p = -0.5 * np.log(2 * np.pi) - z ** 2 / 2
    assert abs(np.mean(log_q - log_p) - closed) < 2e-3  # Monte Carlo estimate of E_q[log q - log p]
    slide = -0.5 * (1 + sigma ** 2 - mu ** 2 - np.log(sigma))  # the lecture's form (SEED_ERRATA 1)
    assert slide < 0 < closed


@given(arrays(np.float64, (3, 4), elements=st.floats(-3, 3)), arrays(np.float64, (3, 4), elements=st.floats(-3, 3)))
def test_kl_is_never_negative_and_zero_only_at_the_prior(mu, log_var):
    kl = by_hand.kl_to_standard_normal(mu, log_var)
    assert kl.shape == (3,) and (kl >= -1e-12).all()
    np.testing.assert_allclose(by_hand.kl_to_standard_normal(np.zeros(4), np.zeros(4)), 0.0)


def test_e17_gan_value_at_equilibrium_is_minus_log_4():
    assert by_hand.gan_value(np.full(10, 0.5), np.full(10, 0.5)) == pytest.approx(-np.log(4))
    assert by_hand.gan_value([0.9, 0.99], [0.01, 0.1]) > -np.log(4)  # a discriminator that tells them apart scores higher


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 6), st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_iou_per_class_equals_keras_iou_and_is_nan_for_an_absent_class(n_classes, size, seed):
    import keras

    rng = np.random.default_rng(seed)
    true = rng.integers(0, n_classes - 1, (size, 5, 3))  # the last class occurs nowhere
    predicted = np.where(rng.random(true.shape) < 0.5, true, rng.integers(0, n_classes - 1, true.shape))
    got = by_hand.iou_per_class(true, predicted, n_classes)
    assert np.isnan(got[-1])
    for c in range(n_classes - 1):
        if (true == c).any() or (predicted == c).any():
            metric = keras.metrics.IoU(num_classes=n_classes, target_class_ids=[c])
            metric.update_state(true.ravel(), predicted.ravel())
            assert np.isclose(got[c], float(metric.result()))


@pytest.mark.parametrize("stack", [
    [(3, 1, 1), (2, 2, 1), (3, 1, 1)],
    [(5, 2, 1), (3, 1, 2), (2, 2, 1), (3, 1, 3)],
    [(3, 1, 1), (3, 1, 2), (3, 1, 4)],
])
def test_receptive_field_is_how_far_one_bright_pixel_reaches_through_the_layers(stack):
    """Through convolutions with positive weights (max pooling as pooling), an output value changes exactly when a
    bright pixel lies in its receptive field: count the columns that reach the middle output."""
    import keras

    inputs = keras.Input((None, None, 1))
    x = inputs
    for kernel, stride, dilation in stack:
        if stride == 1:
            x = keras.layers.Conv2D(1, kernel, dilation_rate=dilation, kernel_initializer="ones")(x)
        else:
            x = keras.layers.MaxPooling2D(kernel, strides=stride)(x)
    model = keras.Model(inputs, x)
    side = 80
    impulses = np.zeros((side, side, side, 1), "float32")
    impulses[np.arange(side), side // 2, np.arange(side), 0] = 1.0
    out = model.predict(impulses, verbose=0)
    middle = out.shape[2] // 2
    reached = out[:, out.shape[1] // 2, middle, 0] > 0
    assert reached.sum() == by_hand.receptive_field(stack)


def _random_boxes(rng: np.random.Generator, n: int, side: int = 20) -> np.ndarray:
    corner = rng.integers(0, side - 2, (n, 2))
    return np.concatenate([corner, corner + rng.integers(1, 8, (n, 2))], axis=1)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_box_iou_counts_the_pixels_two_integer_boxes_share(seed):
    rng = np.random.default_rng(seed)
    a, b = _random_boxes(rng, 3), _random_boxes(rng, 4)
    got = by_hand.box_iou(a, b)
    for i, p in enumerate(a):
        for j, q in enumerate(b):
            first, second = np.zeros((30, 30), bool), np.zeros((30, 30), bool)
            first[p[1]:p[3], p[0]:p[2]], second[q[1]:q[3], q[0]:q[2]] = True, True
            assert np.isclose(got[i, j], (first & second).sum() / (first | second).sum())


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1), st.sampled_from([0.3, 0.5, 0.7]))
def test_non_max_suppression_keeps_what_tensorflow_keeps(seed, threshold):
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    boxes = _random_boxes(rng, 12, side=12).astype("float32")
    scores = rng.permutation(12).astype("float32") / 12 + 0.01  # distinct: no ties to break
    want = tf.image.non_max_suppression(boxes[:, [1, 0, 3, 2]], scores, max_output_size=12, iou_threshold=threshold)
    assert by_hand.non_max_suppression(boxes, scores, threshold).tolist() == want.numpy().tolist()


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_least_squares_gan_losses_equal_keras_mean_squared_error(seed):
    import keras

    rng = np.random.default_rng(seed)
    real, fake = rng.normal(size=(4, 7, 7, 1)), rng.normal(size=(4, 7, 7, 1))
    mse = lambda target, scores: float(keras.losses.MeanSquaredError()(np.full_like(scores, target), scores))  # noqa: E731
    critic, generator = by_hand.least_squares_gan_losses(real, fake)
    assert np.isclose(critic, 0.5 * (mse(1.0, real) + mse(0.0, fake)), rtol=1e-5)
    assert np.isclose(generator, mse(1.0, fake), rtol=1e-5)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_nearest_translation_picks_the_target_a_loop_finds_closest(seed):
    rng = np.random.default_rng(seed)
    images, targets = rng.uniform(-1, 1, (5, 6, 6, 1)), rng.uniform(-1, 1, (9, 6, 6, 1))
    got = by_hand.nearest_translation(images, targets)
    for image, chosen in zip(images, got):
        assert np.array_equal(chosen, min(targets, key=lambda t: np.sum((t - image) ** 2)))
    assert np.array_equal(by_hand.nearest_translation(targets, targets), targets)  # a target is its own nearest


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 6))
def test_frechet_distance_equals_the_formula_with_scipys_matrix_square_root(seed, dims):
    import scipy.linalg

    rng = np.random.default_rng(seed)
    a = rng.normal(size=(200, dims)) @ rng.normal(size=(dims, dims))
    b = rng.normal(1.0, 2.0, size=(150, dims))
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    root = scipy.linalg.sqrtm(cov_a @ cov_b).real
    want = np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(cov_a + cov_b - 2 * root)
    assert np.isclose(by_hand.frechet_distance(a, b), want, rtol=1e-6, atol=1e-8)
    assert abs(by_hand.frechet_distance(a, a)) < 1e-6 * np.trace(cov_a)   # a set is at distance 0 from itself
