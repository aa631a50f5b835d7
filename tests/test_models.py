"""course_utils.models: the published sizes, and the shipped checkpoint."""
import numpy as np

from course_utils import data, models


def test_reference_and_course_model_sizes():
    assert models.mnist_convnet().count_params() == 34_826  # as keras.io's example reports
    assert models.dense_baseline().count_params() == 784 * 128 + 128 + 128 * 10 + 10
    cnn = models.course_cnn()
    assert cnn.output_shape == (None, 10) and cnn.count_params() == 242_218
    assert cnn.get_layer("block3_relu").output.shape[1:] == (3, 3, 128)
    plain = models.course_cnn(batch_norm=False, dropout=0.0, classes=5)
    assert plain.output_shape == (None, 5) and not any("bn" in l.name or "dropout" in l.name for l in plain.layers)


def test_cosine_adam_decays_to_zero():
    optimizer = models.cosine_adam(epochs=3, steps_per_epoch=10, learning_rate=0.01)
    schedule = optimizer.learning_rate if callable(optimizer.learning_rate) else optimizer._learning_rate
    assert np.isclose(float(schedule(0)), 0.01) and np.isclose(float(schedule(30)), 0.0, atol=1e-9)


def test_shipped_digit_classifier_loads_safely_and_classifies(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    classifier = models.digit_classifier()
    (_, _), (x_test, y_test) = data.load("mnist_5k")
    accuracy = classifier.evaluate(data.to_dataset(data.as_input(x_test), y_test, 500), verbose=0)[1]
    assert accuracy >= 0.97  # measured 0.980 on these 1,000 held-out digits when the checkpoint was trained


def test_forecasters_read_a_window_and_give_one_number():
    import pytest

    x = np.random.default_rng(0).normal(size=(3, 14, 6)).astype("float32")
    for kind in models.FORECASTERS:
        model = models.forecaster(kind, 14, 6, units=8)
        assert model.name == kind and model(x).shape == (3, 1)
    assert not models.forecaster("gru", 14, 6).layers[0].reset_after  # the lecture's GRU
    assert models.forecaster("stacked_gru", 14, 6).layers[0].return_sequences
    assert models.forecaster("lstm", 14, 6, units=32).layers[0].count_params() == 4 * (6 * 32 + 32 * 32 + 32)
    with pytest.raises(ValueError, match="stacked_gru"):
        models.forecaster("transformer", 14, 6)


def test_fit_forecaster_learns_a_simple_rule_and_times_its_epochs():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 5, 1)).astype("float32")
    y = x[:, -1, 0]  # tomorrow equals today
    model = models.forecaster("dense", 5, 1, units=8)
    history = models.fit_forecaster(model, x[:400], y[:400], x[400:], y[400:], epochs=30, patience=5)
    assert history.seconds_per_epoch > 0 and len(history.epoch) <= 30
    assert min(history.history["val_mae"]) < 0.5 * np.mean(np.abs(y[400:]))  # far better than predicting 0
