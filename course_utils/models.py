"""The course's reference models, defined once for the notebooks, the benchmarks and the checkpoints.

    >>> from course_utils import models
    >>> models.mnist_convnet().count_params()      # doctest: +SKIP
    34826
"""
from __future__ import annotations


def mnist_convnet(input_shape=(28, 28, 1), classes: int = 10):
    """The keras.io "Simple MNIST convnet" as its page describes it: two 3x3 conv layers (32 and 64
    filters, ReLU) each followed by 2x2 max pooling, flatten, dropout 0.5, softmax. 34,826 parameters.
    Inputs are floats in [0, 1], shape (28, 28, 1).
    """
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input(input_shape),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(classes, activation="softmax"),
    ], name="mnist_convnet")


def course_cnn(input_shape=(28, 28, 1), classes: int = 10, batch_norm: bool = True, dropout: float = 0.3):
    """The course's digit CNN: three conv blocks whose maps shrink (28 -> 26 -> 13 -> 11 -> 5 -> 3) while
    the filters grow (32 -> 64 -> 128), then a dense layer of 128 units and a softmax, with dropout
    before each. Inputs are floats in [0, 1], shape (28, 28, 1), like ``mnist_convnet``.

    Batch normalization follows every conv (the conv's bias is then redundant and left out);
    ``batch_norm=False`` drops it, which halves the time per epoch on 2 CPU cores and cost about
    half a point of test accuracy on Fashion-MNIST when measured here.

    >>> course_cnn().output_shape                   # doctest: +SKIP
    (None, 10)
    """
    import keras
    from keras import layers

    def block(x, filters, name):
        x = layers.Conv2D(filters, 3, use_bias=not batch_norm, name=f"{name}_conv")(x)
        if batch_norm:
            x = layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)  # running stats follow faster than 0.99
        return layers.Activation("relu", name=f"{name}_relu")(x)

    inputs = keras.Input(input_shape, name="pixels")
    x = layers.MaxPooling2D(2, name="pool1")(block(inputs, 32, "block1"))
    x = layers.MaxPooling2D(2, name="pool2")(block(x, 64, "block2"))
    x = block(x, 128, "block3")
    x = layers.Flatten(name="flatten")(x)
    if dropout:
        x = layers.Dropout(dropout, name="dropout1")(x)
    x = layers.Dense(128, activation="relu", name="dense")(x)
    if dropout:
        x = layers.Dropout(dropout, name="dropout2")(x)
    outputs = layers.Dense(classes, activation="softmax", name="class")(x)
    return keras.Model(inputs, outputs, name="course_cnn")


def dense_baseline(input_shape=(28, 28, 1), classes: int = 10, units: int = 128):
    """A dense network on flattened pixels (floats in [0, 1]): the baseline before CNNs."""
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input(input_shape),
        layers.Flatten(),
        layers.Dense(units, activation="relu"),
        layers.Dense(classes, activation="softmax"),
    ], name="dense_baseline")


def digit_classifier():
    """The course's trained ``course_cnn`` for MNIST digits (``data/checkpoints/digit_cnn.keras``),
    verified by its sha256, loaded with ``safe_mode=True`` and compiled for ``evaluate``.
    Inputs: floats in [0, 1], shape (N, 28, 28, 1).

    >>> classifier = digit_classifier()             # doctest: +SKIP
    >>> classifier.predict(images[..., None] / 255).argmax(axis=1)   # doctest: +SKIP
    """
    from . import data

    model = data.load("digit_cnn")
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # for evaluate(); no optimizer state
    return model


def cosine_adam(epochs: int, steps_per_epoch: int, learning_rate: float = 1e-3):
    """Adam whose learning rate falls along a cosine from ``learning_rate`` to 0 over the whole run:
    big steps while far from a minimum, small ones at the end.

    >>> optimizer = cosine_adam(epochs=15, steps_per_epoch=469)   # doctest: +SKIP
    """
    import keras

    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(1, epochs * steps_per_epoch))
    return keras.optimizers.Adam(schedule)


FORECASTERS = ("dense", "conv1d", "simple_rnn", "lstm", "gru", "stacked_gru")


def forecaster(kind: str, window: int, n_features: int, units: int = 32):
    """One of the course's forecasters: a window of (window, n_features) values in, one number out.

    ``gru`` uses the lecture's GRU (``reset_after=False``); ``stacked_gru`` stacks two GRUs with Keras'
    default (``reset_after=True``), the first returning its whole sequence of states to the second.

    >>> [forecaster(k, 14, 6).count_params() for k in FORECASTERS]   # doctest: +SKIP
    [2753, 1313, 1281, 5025, 3777, 10209]
    """
    import keras
    from keras import layers

    body = {
        "dense": lambda: [layers.Flatten(), layers.Dense(units, activation="relu")],
        "conv1d": lambda: [layers.Conv1D(units, 5, activation="relu"), layers.Flatten()],
        "simple_rnn": lambda: [layers.SimpleRNN(units)],
        "lstm": lambda: [layers.LSTM(units)],
        "gru": lambda: [layers.GRU(units, reset_after=False)],
        "stacked_gru": lambda: [layers.GRU(units, return_sequences=True), layers.GRU(units)],
    }
    if kind not in body:
        raise ValueError(f"unknown forecaster {kind!r}; choose one of {', '.join(FORECASTERS)}.")
    return keras.Sequential([keras.Input((window, n_features)), *body[kind](), layers.Dense(1)], name=kind)


def fit_forecaster(model, x_train, y_train, x_val, y_val, epochs: int, patience: int = 10,
                   batch_size: int = 32, learning_rate: float = 1e-3):
    """Train a forecaster on mean squared error with Adam (gradients clipped to norm 1), stop when the
    validation MAE has not improved for ``patience`` epochs and keep the best weights.
    Returns the History; ``history.seconds_per_epoch`` is the measured wall time per epoch run.

    >>> history = fit_forecaster(forecaster("gru", 14, 6), x, y, x_val, y_val, epochs=50)   # doctest: +SKIP
    """
    import time

    import keras

    from .data import to_dataset

    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=1.0), loss="mse", metrics=["mae"])
    stop = keras.callbacks.EarlyStopping(monitor="val_mae", patience=patience, restore_best_weights=True)
    train = to_dataset(x_train, y_train, batch_size, shuffle=True, seed=0)
    val = to_dataset(x_val, y_val, 256)
    start = time.perf_counter()
    history = model.fit(train, validation_data=val, epochs=epochs, callbacks=[stop], verbose=0)
    history.seconds_per_epoch = (time.perf_counter() - start) / len(history.epoch)
    return history
