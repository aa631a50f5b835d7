"""The generative models of notebooks 05-07: autoencoders, the VAE, DCGAN and a conditional GAN,
and the classifier-based judgement of generated digits.

    >>> from course_utils import generative
    >>> encoder, decoder, autoencoder = generative.dense_autoencoder(bottleneck=32)   # doctest: +SKIP
    >>> generator = generative.dcgan_generator()                                     # doctest: +SKIP
    >>> generator.output_shape                                                       # doctest: +SKIP
    (None, 28, 28, 1)

Images are (N, 28, 28, 1) floats: in [0, 1] for the autoencoders and the VAE (sigmoid outputs,
binary cross-entropy), in [-1, 1] for the GANs (tanh outputs); ``to_unit`` maps GAN images back.
Training steps use ``tf.GradientTape``: Keras 3 has no backend-neutral gradient API.
"""
from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

NOISE_DIM = 64


# --------------------------------------------------------------------------- autoencoders


def dense_autoencoder(bottleneck: int, hidden: int = 256, image_shape=(28, 28, 1)):
    """Encoder e: image -> ``bottleneck`` numbers, decoder d: back to an image, and f = d(e(x)).
    Returns ``(encoder, decoder, autoencoder)``; the autoencoder shares the two parts' weights.

    >>> e, d, f = dense_autoencoder(2)              # doctest: +SKIP
    >>> e.output_shape, d.output_shape              # doctest: +SKIP
    ((None, 2), (None, 28, 28, 1))
    """
    pixels = int(np.prod(image_shape))
    encoder = keras.Sequential([keras.Input(image_shape), layers.Flatten(),
                                layers.Dense(hidden, activation="relu"), layers.Dense(bottleneck)], name="encoder")
    decoder = keras.Sequential([keras.Input((bottleneck,)), layers.Dense(hidden, activation="relu"),
                                layers.Dense(pixels, activation="sigmoid"), layers.Reshape(image_shape)], name="decoder")
    return encoder, decoder, _chain(encoder, decoder, "dense_autoencoder")


def conv_autoencoder(bottleneck: int = 32, image_shape=(28, 28, 1)):
    """A convolutional autoencoder: strided convolutions down (28 -> 14 -> 7), a dense bottleneck,
    transposed convolutions back up. Returns ``(encoder, decoder, autoencoder)``.

    >>> conv_autoencoder(16)[2].output_shape        # doctest: +SKIP
    (None, 28, 28, 1)
    """
    encoder = keras.Sequential([
        keras.Input(image_shape),
        layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(64, 3, strides=2, padding="same", activation="relu"),
        layers.Flatten(), layers.Dense(bottleneck),
    ], name="conv_encoder")
    decoder = keras.Sequential([
        keras.Input((bottleneck,)),
        layers.Dense(7 * 7 * 64, activation="relu"), layers.Reshape((7, 7, 64)),
        layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ], name="conv_decoder")
    return encoder, decoder, _chain(encoder, decoder, "conv_autoencoder")


def _chain(encoder, decoder, name: str):
    inputs = keras.Input(encoder.input_shape[1:])
    return keras.Model(inputs, decoder(encoder(inputs)), name=name)


def reconstruction_error(autoencoder, images: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Mean squared error of each image against its reconstruction: one anomaly score per image.

    >>> scores = reconstruction_error(autoencoder, x_test)   # doctest: +SKIP
    """
    # Calling the model batch by batch, not predict(): predict traces a new graph per model, which a loop
    # over many models (the bottleneck sweep) turns into retracing warnings.
    images = np.asarray(images, dtype="float32")
    rebuilt = np.concatenate([keras.ops.convert_to_numpy(autoencoder(images[i:i + batch_size], training=False))
                              for i in range(0, len(images), batch_size)])
    return ((rebuilt - images) ** 2).reshape(len(images), -1).mean(axis=1)


def add_noise(images: np.ndarray, std: float = 0.5, seed: int = 0) -> np.ndarray:
    """Images in [0, 1] plus Gaussian noise of standard deviation ``std``, clipped back to [0, 1].

    >>> add_noise(np.zeros((1, 2, 2)), std=0.5).min() >= 0
    True
    """
    noisy = images + np.random.default_rng(seed).normal(0, std, images.shape)
    return np.clip(noisy, 0, 1).astype("float32")


# --------------------------------------------------------------------------- VAE


@keras.saving.register_keras_serializable(package="course_utils")
class Sampling(layers.Layer):
    """The reparameterisation trick as a layer: (mu, log_var) -> z = mu + sigma * eps, eps ~ N(0, I).

    The randomness sits in eps, outside the path from the weights to z, so gradients flow through
    mu and sigma.
    """

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mu, log_var = inputs
        eps = keras.random.normal(ops.shape(mu), seed=self.seed_generator)
        return mu + ops.exp(0.5 * log_var) * eps

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def vae_encoder(latent_dim: int = 2, image_shape=(28, 28, 1)):
    """Image -> (mu, log_var, z): two strided convolutions (64, 128 filters), a dense layer of 128,
    then the mean and log-variance of q(z | x) and a sample z from it.
    """
    inputs = keras.Input(image_shape, name="image")
    x = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(inputs)
    x = layers.Conv2D(128, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Dense(128, activation="relu")(layers.Flatten()(x))
    mu = layers.Dense(latent_dim, name="mu")(x)
    log_var = layers.Dense(latent_dim, name="log_var")(x)
    z = Sampling(seed=0, name="z")([mu, log_var])
    return keras.Model(inputs, [mu, log_var, z], name="vae_encoder")


def vae_decoder(latent_dim: int = 2):
    """z -> image in [0, 1]: the encoder's mirror (dense 128, 7x7x128, transposed convolutions)."""
    return keras.Sequential([
        keras.Input((latent_dim,), name="z"),
        layers.Dense(128, activation="relu"),
        layers.Dense(7 * 7 * 128, activation="relu"), layers.Reshape((7, 7, 128)),
        layers.Conv2DTranspose(128, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ], name="vae_decoder")


class VAE(keras.Model):
    """A variational autoencoder trained on loss = reconstruction + beta * KL, both summed per image
    (binary cross-entropy over the 784 pixels; KL of q(z | x) from N(0, I) over the latent dimensions).

    ``fit`` and ``evaluate`` report ``loss``, ``reconstruction`` and ``kl`` per image.

    >>> vae = VAE(vae_encoder(2), vae_decoder(2))    # doctest: +SKIP
    >>> vae.compile(keras.optimizers.Adam(1e-3))     # doctest: +SKIP
    """

    def __init__(self, encoder, decoder, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder, self.beta = encoder, decoder, beta
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("loss", "reconstruction", "kl")}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, images):
        return self.decoder(self.encoder(images)[2])

    def losses_of(self, images):
        """(loss, reconstruction, kl), each averaged over the batch."""
        mu, log_var, z = self.encoder(images)
        rebuilt = self.decoder(z)
        bce = keras.losses.binary_crossentropy(ops.expand_dims(images, -1), ops.expand_dims(rebuilt, -1))
        reconstruction = ops.mean(ops.sum(bce, axis=(1, 2, 3)))
        kl = ops.mean(ops.sum(-0.5 * (1 + log_var - ops.square(mu) - ops.exp(log_var)), axis=1))
        return reconstruction + self.beta * kl, reconstruction, kl

    def _record(self, values):
        for tracker, value in zip(self.trackers.values(), values):
            tracker.update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def train_step(self, images):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            values = self.losses_of(images)
        weights = self.trainable_weights
        self.optimizer.apply_gradients(zip(tape.gradient(values[0], weights), weights))
        return self._record(values)

    def test_step(self, images):
        return self._record(self.losses_of(images))


# --------------------------------------------------------------------------- GANs


def dcgan_generator(noise_dim: int = NOISE_DIM, classes: int | None = None):
    """Noise (and, when ``classes`` is given, a label) -> a 28x28 image in [-1, 1].

    Dense to 7x7x128, then two transposed convolutions (7 -> 14 -> 28). Batch normalization after
    every layer except the output, which is a tanh and must be free to reach the data's range.
    """
    noise = keras.Input((noise_dim,), name="noise")
    inputs, x = [noise], noise
    if classes:
        label = keras.Input((1,), dtype="int32", name="label")
        inputs.append(label)
        x = layers.Concatenate()([noise, layers.Flatten()(layers.Embedding(classes, 16)(label))])
    x = layers.Dense(7 * 7 * 128, use_bias=False)(x)
    x = layers.LeakyReLU(0.2)(layers.BatchNormalization()(x))
    x = layers.Reshape((7, 7, 128))(x)
    x = layers.Conv2DTranspose(64, 4, strides=2, padding="same", use_bias=False)(x)
    x = layers.LeakyReLU(0.2)(layers.BatchNormalization()(x))
    image = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh", name="image")(x)
    return keras.Model(inputs, image, name="cgan_generator" if classes else "dcgan_generator")


def dcgan_discriminator(classes: int | None = None, image_shape=(28, 28, 1)):
    """Image (and label) -> one logit, "real" when large. Strided convolutions with LeakyReLU;
    no batch normalization on the input layer (it would erase the statistics D must judge),
    batch normalization on the second convolution.
    """
    image = keras.Input(image_shape, name="image")
    inputs, x = [image], image
    if classes:
        label = keras.Input((1,), dtype="int32", name="label")
        inputs.append(label)
        plane = layers.Reshape(image_shape[:2] + (1,))(layers.Embedding(classes, int(np.prod(image_shape[:2])))(label))
        x = layers.Concatenate()([image, plane])
    x = layers.LeakyReLU(0.2)(layers.Conv2D(64, 4, strides=2, padding="same")(x))
    x = layers.Conv2D(128, 4, strides=2, padding="same", use_bias=False)(x)
    x = layers.LeakyReLU(0.2)(layers.BatchNormalization()(x))
    x = layers.Dropout(0.3)(layers.Flatten()(x))
    logit = layers.Dense(1, name="logit")(x)
    return keras.Model(inputs, logit, name="cgan_discriminator" if classes else "dcgan_discriminator")


def diff_augment(images, seed_generator, shift: int = 3, hole: int = 10):
    """Differentiable augmentation for the discriminator's inputs (Zhao et al., 2020): every image is moved
    by up to ``shift`` pixels in each direction (the border filled with the background, -1) and a random
    ``hole`` x ``hole`` square is blanked. Applied to real and generated images alike, so D cannot memorise
    a small training set, and differentiable, so G's gradient passes through it.
    """
    import tensorflow as tf

    n, height, width = tf.shape(images)[0], images.shape[1], images.shape[2]
    padded = tf.pad(images, [[0, 0], [shift, shift], [shift, shift], [0, 0]], constant_values=-1.0)
    start = keras.random.randint((2, n), 0, 2 * shift + 1, seed=seed_generator)
    rows = start[0][:, None] + tf.range(height)[None, :]
    cols = start[1][:, None] + tf.range(width)[None, :]
    moved = tf.gather(tf.gather(padded, rows, axis=1, batch_dims=1), cols, axis=2, batch_dims=1)
    corner = keras.random.randint((2, n), 0, height - hole + 1, seed=seed_generator)
    inside_rows = (tf.range(height)[None, :] >= corner[0][:, None]) & (tf.range(height)[None, :] < corner[0][:, None] + hole)
    inside_cols = (tf.range(width)[None, :] >= corner[1][:, None]) & (tf.range(width)[None, :] < corner[1][:, None] + hole)
    hole_mask = tf.cast(inside_rows[:, :, None] & inside_cols[:, None, :], images.dtype)[..., None]
    return moved * (1 - hole_mask) - hole_mask


class GAN(keras.Model):
    """Generator against discriminator, one step each per batch (the non-saturating generator loss).

    Batches are images in [-1, 1], or ``(images, labels)`` for a conditional GAN (``conditional=True``).
    ``fit`` reports ``d_loss`` and ``g_loss``. ``ema_generator`` follows the generator's weights with an
    exponential moving average (``ema`` per step); sample from it. ``augment`` passes every image D sees
    through ``diff_augment``.

    >>> gan = GAN(dcgan_generator(), dcgan_discriminator())   # doctest: +SKIP
    >>> gan.compile()                                          # doctest: +SKIP
    >>> gan.fit(to_dataset(images, batch_size=64, shuffle=True), epochs=1)   # doctest: +SKIP
    """

    def __init__(self, generator, discriminator, noise_dim: int = NOISE_DIM, conditional: bool = False, seed: int = 0,
                 ema: float = 0.999, augment: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator, self.augment = generator, discriminator, augment
        # A copy of the generator whose weights are a running average of the trained ones: its samples are
        # cleaner than those of the generator at any single step, which still jitters in the game with D.
        self.ema, self.ema_generator = ema, keras.models.clone_model(generator)
        self.ema_generator.set_weights(generator.get_weights())
        self.noise_dim, self.conditional = noise_dim, conditional
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_tracker, self.g_tracker = keras.metrics.Mean(name="d_loss"), keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        super().compile(**kwargs)
        # Adam with beta_1 = 0.5 as in the DCGAN paper; G steps three times larger than D's (2e-4), which
        # improved the samples per training step when measured here.
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(6e-4, beta_1=0.5)
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)

    @property
    def metrics(self):
        return [self.d_tracker, self.g_tracker]

    def _split(self, batch):
        return batch if self.conditional else (batch, None)

    def _with_label(self, x, labels):
        return [x, labels] if self.conditional else x

    def _judge(self, images, labels):
        """D's logits for a batch; with ``augment``, real and generated images get the same kind of random augmentation."""
        if self.augment:
            images = diff_augment(images, self.seed_generator)
        return self.discriminator(self._with_label(images, labels), training=True)

    def train_step(self, batch):
        import tensorflow as tf

        real, labels = self._split(batch)
        n = ops.shape(real)[0]
        noise = keras.random.normal((n, self.noise_dim), seed=self.seed_generator)
        # Discriminator: real images towards 1, generated ones towards 0.
        with tf.GradientTape() as tape:
            fake = self.generator(self._with_label(noise, labels), training=True)
            d_real, d_fake = self._judge(real, labels), self._judge(fake, labels)
            # One-sided label smoothing: "real" is 0.9, which keeps D from growing overconfident on real images.
            d_loss = self.bce(0.9 * ops.ones_like(d_real), d_real) + self.bce(ops.zeros_like(d_fake), d_fake)
        weights = self.discriminator.trainable_weights
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, weights), weights))
        # Generator: make the discriminator call fresh samples real, -log D(G(z)).
        noise = keras.random.normal((n, self.noise_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            d_fake = self._judge(self.generator(self._with_label(noise, labels), training=True), labels)
            g_loss = self.bce(ops.ones_like(d_fake), d_fake)
        weights = self.generator.trainable_weights
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, weights), weights))
        step = ops.cast(self.g_optimizer.iterations, "float32")
        decay = ops.minimum(self.ema, (1.0 + step) / (10.0 + step))  # average over fewer steps early on
        for average, current in zip(self.ema_generator.weights, self.generator.weights):
            average.assign(decay * average + (1.0 - decay) * current)
        self.d_tracker.update_state(d_loss)
        self.g_tracker.update_state(g_loss)
        return {"d_loss": self.d_tracker.result(), "g_loss": self.g_tracker.result()}


def to_gan_range(images: np.ndarray) -> np.ndarray:
    """uint8 images (N, 28, 28) -> float32 in [-1, 1] with a channel axis, what a tanh generator makes."""
    return (np.asarray(images, dtype="float32") / 127.5 - 1.0)[..., None]


def to_unit(images: np.ndarray) -> np.ndarray:
    """GAN images in [-1, 1] -> [0, 1], what the digit classifier and the plots take."""
    return np.clip((np.asarray(images) + 1.0) / 2.0, 0.0, 1.0)


def generate(generator, n: int, seed: int = 0, labels=None, noise_dim: int = NOISE_DIM) -> np.ndarray:
    """``n`` images in [0, 1] from ``generator`` with noise drawn from N(0, I) with ``seed``
    (and the given labels for a conditional generator).

    >>> images = generate(generator, 16, seed=1)   # doctest: +SKIP
    """
    noise = np.random.default_rng(seed).normal(size=(n, noise_dim)).astype("float32")
    inputs = noise if labels is None else [noise, np.asarray(labels, dtype="int32").reshape(-1, 1)]
    return to_unit(generator.predict(inputs, batch_size=256, verbose=0))


def judge(probabilities: np.ndarray, threshold: float = 0.9) -> dict:
    """What a classifier says about generated digits, from its softmax outputs (N, classes):

    ``confident``: the share of samples whose top class has probability >= ``threshold``;
    ``shares``: the share of samples given to each class (the mode coverage);
    ``smallest_share``: the rarest class's share.

    >>> judge(np.array([[0.95, 0.05], [0.2, 0.8]]))["confident"]
    0.5
    """
    probabilities = np.asarray(probabilities)
    counts = np.bincount(probabilities.argmax(axis=1), minlength=probabilities.shape[1])
    shares = counts / len(probabilities)
    return {"confident": float((probabilities.max(axis=1) >= threshold).mean()),
            "shares": shares, "smallest_share": float(shares.min())}


def judge_generator(generator, classifier, n: int = 1000, seed: int = 0, conditional: bool = False) -> dict:
    """``judge`` of ``n`` samples (noise ``seed``) classified by ``classifier``; a conditional generator is asked
    for the digits 0, 1, ..., 9 in turn and the verdict adds ``as_asked``, the share drawn as the digit asked for.

    >>> judge_generator(data.load("cgan_generator"), models.digit_classifier(), conditional=True)["as_asked"]   # doctest: +SKIP
    0.999
    """
    labels = np.arange(n) % 10 if conditional else None
    probabilities = classifier.predict(generate(generator, n, seed=seed, labels=labels), verbose=0)
    verdict = judge(probabilities)
    if conditional:
        verdict["as_asked"] = float((probabilities.argmax(axis=1) == labels).mean())
    return verdict


class SampleHistory(keras.callbacks.Callback):
    """After each epoch, the GAN's averaged generator draws from one fixed batch of noise (and labels);
    ``.samples`` maps each epoch (from 1) to those images in [0, 1], so progress is compared on the same z.

    >>> history = SampleHistory(n=8)                                  # doctest: +SKIP
    >>> gan.fit(train, epochs=5, callbacks=[history])                 # doctest: +SKIP
    >>> plotting.mosaic(np.stack(list(history.samples.values())))     # doctest: +SKIP
    """

    def __init__(self, n: int = 8, seed: int = 0, labels=None):
        super().__init__()
        self.n, self.seed, self.labels, self.samples = n, seed, labels, {}

    def on_epoch_end(self, epoch, logs=None):
        images = generate(self.model.ema_generator, self.n, seed=self.seed, labels=self.labels,
                          noise_dim=self.model.noise_dim)
        self.samples[epoch + 1] = images[..., 0]
