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
