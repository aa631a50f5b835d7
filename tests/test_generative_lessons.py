"""The generative lessons, as notebooks 05-07 export them: the autoencoders' sizes and score, the VAE's loss, the GAN's
training step and batch-norm rule, and the shipped VAE decoder."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import by_hand, data, judging
from course_utils.lessons import autoencoders, gan, vae

pytestmark = pytest.mark.concerns("05_autoencoders", "06_vae", "07_gan")


def test_the_dense_autoencoder_maps_images_to_codes_and_back():
    encoder, decoder, autoencoder = autoencoders.dense_autoencoder(bottleneck=32)
    assert encoder.output_shape == (None, 32) and decoder.output_shape == (None, 28, 28, 1)
    assert encoder.count_params() == 784 * 256 + 256 + 256 * 32 + 32  # 209,184, as notebook 05 works out
    assert autoencoder.count_params() == encoder.count_params() + decoder.count_params()


def test_reconstruction_error_is_the_mean_squared_error_per_image():
    identity = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Identity()])
    images = np.random.default_rng(0).uniform(size=(300, 28, 28, 1)).astype("float32")
    assert np.allclose(autoencoders.reconstruction_error(identity, images), 0)
    halved = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Rescaling(0.5)])
    want = ((images / 2) ** 2).reshape(300, -1).mean(axis=1)
    assert np.allclose(autoencoders.reconstruction_error(halved, images), want, atol=1e-6)


def test_the_sampling_layer_draws_from_n_mu_sigma_squared_and_passes_gradients():
    mu = tf.Variable(np.full((50_000, 1), 0.5, "float32"))
    log_var = tf.Variable(np.full((50_000, 1), np.log(0.64), "float32"))
    with tf.GradientTape() as tape:
        z = vae.Sampling(seed=0)(mu, log_var)
        total = tf.reduce_sum(z)
    draws = z.numpy()
    assert abs(draws.mean() - 0.5) < 0.01 and abs(draws.std() - 0.8) < 0.01
    assert np.allclose(tape.gradient(total, mu).numpy(), 1.0)  # dz/dmu = 1: the noise is outside the path


def test_the_vae_loss_is_reconstruction_plus_beta_times_the_closed_form_kl():
    images = data.as_input(data.load("mnist_5k")[1][0][:64])
    model = vae.VAE(vae.vae_encoder(2), vae.vae_decoder(2), beta=3.0)
    rebuilt, mu, log_var = model(images)
    loss = float(model.compute_loss(x=images, y_pred=(rebuilt, mu, log_var)))
    reconstruction, kl = float(model.reconstruction_tracker.result()), float(model.kl_tracker.result())
    mu, log_var = keras.ops.convert_to_numpy(mu), keras.ops.convert_to_numpy(log_var)
    assert np.isclose(kl, by_hand.kl_to_standard_normal(mu, log_var).mean(), rtol=1e-4)
    assert np.isclose(loss, reconstruction + 3.0 * kl, rtol=1e-5)
    assert 400 < reconstruction < 784 * 0.8  # an untrained decoder outputs about 0.5 everywhere: ~0.69 nats per pixel


def test_the_vae_trains_and_reports_its_three_numbers():
    keras.utils.set_random_seed(0)
    images = data.as_input(data.load("mnist_5k")[0][0][:640])
    history = vae.fit_vae(vae.VAE(vae.vae_encoder(2), vae.vae_decoder(2)), images, epochs=3)
    assert {"loss", "reconstruction", "kl", "val_loss"} <= set(history.history)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]


def test_the_dcgan_follows_the_batch_norm_rule():
    generator, discriminator = gan.dcgan_generator(), gan.dcgan_discriminator()
    assert generator.output_shape == (None, 28, 28, 1) and discriminator.output_shape == (None, 1)
    assert isinstance(discriminator.layers[0], keras.layers.Conv2D)  # D's input layer: no batch norm
    assert generator.layers[-1].activation.__name__ == "tanh"  # G's output: tanh, nothing after it
    assert any(isinstance(layer, keras.layers.BatchNormalization) for layer in discriminator.layers)
    assert sum(isinstance(layer, keras.layers.BatchNormalization) for layer in generator.layers) == 2


def test_the_conditional_networks_are_the_dcgan_networks_with_the_label_beside_the_input():
    generator, discriminator = gan.conditional_generator(), gan.conditional_discriminator()
    noise, labels = np.zeros((3, gan.NOISE_DIM), "float32"), np.array([[0], [3], [9]], "int32")
    assert generator([noise, labels]).shape == (3, 28, 28, 1)
    assert discriminator([np.zeros((3, 28, 28, 1), "float32"), labels]).shape == (3, 1)
    assert generator.layers[-1].input.shape[-1] == gan.NOISE_DIM + 10  # 64 noise numbers + a one-hot digit
    assert discriminator.layers[-1].input.shape[-1] == 1 + 10  # the image and ten label planes


@pytest.mark.parametrize("conditional", [False, True])
def test_a_gan_step_moves_both_networks_and_the_average(conditional):
    keras.utils.set_random_seed(0)
    networks = (gan.conditional_generator(), gan.conditional_discriminator()) if conditional else \
        (gan.dcgan_generator(), gan.dcgan_discriminator())
    model = (gan.ConditionalGAN if conditional else gan.GAN)(*networks, seed=0, ema=0.5)
    model.compile()
    x_train, y_train = data.load("mnist_5k")[0]
    before_g, before_d = model.generator.get_weights()[0].copy(), model.discriminator.get_weights()[0].copy()
    history = model.fit(gan.gan_batches(x_train[:128], y_train[:128] if conditional else None, 32), epochs=2,
                        verbose=0)
    assert set(history.history) == {"d_loss", "g_loss"} and np.isfinite(history.history["d_loss"]).all()
    assert not np.allclose(before_g, model.generator.get_weights()[0])
    assert not np.allclose(before_d, model.discriminator.get_weights()[0])
    averaged, current = model.ema_generator.get_weights()[0], model.generator.get_weights()[0]
    assert not np.allclose(averaged, before_g) and not np.allclose(averaged, current)


def test_gan_batches_scale_digits_to_minus_one_one():
    pixels = np.array([[[0, 255], [128, 64]]], dtype=np.uint8)
    (images, labels), = gan.gan_batches(pixels, [7], batch_size=1)
    assert images.shape == (1, 2, 2, 1) and float(images.numpy().min()) == -1 and float(images.numpy().max()) == 1
    assert labels.numpy().tolist() == [[7]]
    assert np.allclose(judging.to_unit(images.numpy())[0, ..., 0], pixels[0] / 255)


def test_shipped_vae_decoder_maps_the_latent_plane_to_different_digit_like_images(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    decoder = data.load("vae_decoder")  # sha256 checked, safe_mode=True
    corners = np.array([[-1.6, -1.6], [-1.6, 1.6], [1.6, -1.6], [1.6, 1.6]], dtype="float32")
    images = decoder.predict(corners, verbose=0)
    assert images.shape == (4, 28, 28, 1) and images.min() >= 0 and images.max() <= 1
    assert 0.05 < images.mean() < 0.3  # about as much ink as a real digit (0.13), not blank, not a blob
    flat = images.reshape(4, -1)
    assert min(np.abs(a - b).mean() for i, a in enumerate(flat) for b in flat[i + 1:]) > 0.05  # four different shapes
