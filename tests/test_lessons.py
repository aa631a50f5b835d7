"""The lesson lives in the notebook: course_utils/lessons/ is exported from the notebooks' `#| export` cells, and the
shipped checkpoints are still the architectures those cells build."""
import json

import keras
import numpy as np
import pytest

from course_utils import data
from course_utils.lessons import activity_recognition, attention, gan, mnist_cnn, text_generation, time_series_lstm, vae
from tools import export_lessons


@pytest.mark.concerns("*")
def test_every_lesson_module_is_exported_from_its_notebook_unchanged():
    problems = export_lessons.differences()
    assert not problems, "\n".join(problems) + "\nRun `make export` and commit the modules with their notebooks."


@pytest.mark.concerns("*")
def test_an_edited_notebook_shows_up_as_a_difference(tmp_path):
    notebook = export_lessons.NOTEBOOKS / "03_mnist_cnn.ipynb"
    edited = tmp_path / notebook.name
    edited.write_text(notebook.read_text().replace("128, activation=", "256, activation=", 1))
    notebooks = [edited if p.name == notebook.name else p for p in sorted(export_lessons.NOTEBOOKS.glob("*.ipynb"))]
    assert export_lessons.differences(notebooks) == ["course_utils/lessons/mnist_cnn.py differs from its notebook"]


def without_names(settings):
    """A layer's settings with every ``name`` taken out, also inside the layers of a nested model."""
    if isinstance(settings, dict):
        return {k: without_names(v) for k, v in settings.items() if k not in ("name", "trainable")}
    if isinstance(settings, list):
        return [without_names(v) for v in settings]
    return settings


def architecture(model) -> list[tuple]:
    """Each layer's class, settings and weight shapes (names and input layers aside, so that a Sequential and a
    functional model of the same layers agree): what a checkpoint must share with its notebook."""
    return [(type(layer).__name__, json.dumps(without_names(layer.get_config()), sort_keys=True, default=str),
             [tuple(w.shape) for w in layer.weights])
            for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


# checkpoint -> (notebook, the exported call that builds it, that call, the tool that trains it)
CHECKPOINTS = {
    "digit_cnn": ("03_mnist_cnn.ipynb", "course_cnn()", mnist_cnn.course_cnn, "tools/train_digit_classifier.py"),
    "vae_decoder": ("06_vae.ipynb", "vae_decoder(2)", lambda: vae.vae_decoder(2), "tools/train_vae_decoder.py"),
    "dcgan_generator": ("07_gan.ipynb", "dcgan_generator()", gan.dcgan_generator, "tools/train_generators.py dcgan"),
    "cgan_generator": ("07_gan.ipynb", "conditional_generator()", gan.conditional_generator,
                       "tools/train_generators.py cgan"),
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.concerns(CHECKPOINTS[n][0][:-6]))
                                  for n in sorted(CHECKPOINTS)])
def test_each_checkpoint_is_the_architecture_its_notebook_builds(name, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    notebook, call, build, tool = CHECKPOINTS[name]
    shipped, built = architecture(data.load(name)), architecture(build())
    differing = [i for i, (a, b) in enumerate(zip(shipped, built)) if a != b]
    if len(shipped) != len(built):
        differing.append(min(len(shipped), len(built)))
    assert not differing, (
        f"data/checkpoints/{name}.keras is no longer what `{call}` in notebooks/{notebook} builds (first difference at "
        f"layer {differing[0]}: {shipped[differing[0]] if differing[0] < len(shipped) else 'missing'} in the checkpoint, "
        f"{built[differing[0]] if differing[0] < len(built) else 'missing'} in the notebook). Retrain it: "
        f"`make export`, then `COURSE_PROFILE=full .venv/bin/python {tool}`, and paste the sha256 it prints into "
        f"course_utils/data.py and data/README.md.")


@pytest.mark.concerns("03_mnist_cnn")
def test_the_course_models_have_their_published_sizes():
    assert mnist_cnn.mnist_convnet().count_params() == 34_826  # as keras.io's example reports
    cnn = mnist_cnn.course_cnn()
    assert cnn.output_shape == (None, 10) and cnn.count_params() == 242_218
    plain = mnist_cnn.course_cnn(batch_norm=False, dropout=0.0, classes=5)
    assert plain.output_shape == (None, 5) and not any("bn" in l.name or "dropout" in l.name for l in plain.layers)


@pytest.mark.concerns("03_mnist_cnn")
def test_cosine_adam_decays_to_zero():
    optimizer = mnist_cnn.cosine_adam(epochs=3, steps_per_epoch=10, learning_rate=0.01)
    schedule = optimizer.learning_rate if callable(optimizer.learning_rate) else optimizer._learning_rate
    assert np.isclose(float(schedule(0)), 0.01) and np.isclose(float(schedule(30)), 0.0, atol=1e-9)


@pytest.mark.concerns("04_time_series_lstm")
def test_forecasters_read_a_window_and_give_one_number():
    x = np.random.default_rng(0).normal(size=(3, 14, 6)).astype("float32")
    for kind in time_series_lstm.FORECASTERS:
        model = time_series_lstm.forecaster(kind, 14, 6, units=8)
        assert model.name == kind and model(x).shape == (3, 1)
    assert not time_series_lstm.forecaster("gru", 14, 6).layers[0].reset_after  # the lecture's GRU
    assert time_series_lstm.forecaster("stacked_gru", 14, 6).layers[0].return_sequences
    assert time_series_lstm.forecaster("lstm", 14, 6, units=32).layers[0].count_params() == 4 * (6 * 32 + 32 * 32 + 32)
    with pytest.raises(ValueError, match="stacked_gru"):
        time_series_lstm.forecaster("transformer", 14, 6)


@pytest.mark.concerns("04_time_series_lstm")
def test_fit_forecaster_learns_a_simple_rule_and_times_its_epochs():
    keras.utils.set_random_seed(0)  # the weights' start, so the result does not depend on the tests run before
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 5, 1)).astype("float32")
    y = x[:, -1, 0]  # tomorrow equals today
    model = time_series_lstm.forecaster("dense", 5, 1, units=8)
    history = time_series_lstm.fit_forecaster(model, x[:400], y[:400], x[400:], y[400:], epochs=30, patience=5)
    assert history.seconds_per_epoch > 0 and len(history.epoch) <= 30
    assert min(history.history["val_mae"]) < 0.5 * np.mean(np.abs(y[400:]))  # far better than predicting 0


@pytest.mark.concerns("04_time_series_lstm")
def test_hourly_weather_is_every_utc_hour_in_si_units_without_holes():
    raw = data.load("nyc_weather")
    weather = time_series_lstm.hourly_weather(raw)
    assert weather.shape == (8730, 28) and not weather.isna().any().any()
    assert weather.index.freq == "h" and str(weather.index.tz) == "UTC"
    first = weather.iloc[0]  # EWR at 06:00 UTC: 39.02 F, wind of 10.357 mph from 270 degrees (the west)
    assert first["EWR_temp"] == pytest.approx((39.02 - 32) / 1.8)
    assert first["EWR_wind_x"] == pytest.approx(-10.35702 * 0.44704) and abs(first["EWR_wind_y"]) < 1e-9
    assert np.hypot(weather["EWR_wind_x"], weather["EWR_wind_y"]).max() < 30  # the 1,048 mph reading is gone
    missing = weather.index.difference(raw.loc[raw["origin"] == "EWR", "time_hour"])[0]  # an hour EWR has no row for
    before, after = weather["EWR_temp"].shift(1)[missing], weather["EWR_temp"].shift(-1)[missing]
    assert min(before, after) <= weather.at[missing, "EWR_temp"] <= max(before, after)
    long_gap = raw[~((raw["origin"] == "JFK") & (raw["time_hour"].dt.month == 5) & (raw["time_hour"].dt.day < 3))]
    with pytest.raises(ValueError, match=r"gaps longer than 12 hours remain in \['JFK_temp', 'JFK_dewp'"):
        time_series_lstm.hourly_weather(long_gap)


@pytest.mark.concerns("10_text_generation")
def test_text_codec_round_trips_and_names_an_unknown_character():
    vocabulary = sorted(set("to be or not"))
    ids = text_generation.encode("not to be", vocabulary)
    assert ids.dtype == np.int32 and text_generation.decode(ids, vocabulary) == "not to be"
    with pytest.raises(ValueError, match=r"'qé': 2 character\(s\) of this text are not in the model's vocabulary of 7"):
        text_generation.encode("be qé", vocabulary)


@pytest.mark.concerns("10_text_generation")
def test_teacher_forcing_shifts_by_one_and_refuses_a_text_shorter_than_a_window():
    x, y = text_generation.next_char_examples(np.arange(10), 3)
    assert x.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]] and y.tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert len(text_generation.next_char_examples(np.arange(4), 3)[0]) == 1
    with pytest.raises(ValueError, match="needs length \\+ 1 = 4 characters, but the text has 3"):
        text_generation.next_char_examples(np.arange(3), 3)


@pytest.mark.concerns("10_text_generation")
def test_char_lstm_learns_a_repeating_text_and_samples_from_it():
    keras.utils.set_random_seed(0)
    vocabulary = list("abc")
    ids = text_generation.encode("abc" * 700, vocabulary)
    x, y = text_generation.next_char_examples(ids, 20)
    model = text_generation.char_lstm(len(vocabulary), embed_dim=4, units=16)
    assert model.count_params() == 3 * 4 + 4 * (16 * (4 + 16) + 16) + 16 * 3 + 3
    history = text_generation.fit_writer(model, x, y, epochs=6, batch_size=16)
    bits = text_generation.next_char_bits(model, x, y)
    assert bits.shape == x.shape and history.seconds_per_epoch > 0 and len(history.bits) == 6
    assert bits[:, 1:].mean() < 0.2 < np.log2(3)  # after one character the next is certain; uniform costs 1.58
    cold, hot = text_generation.sample(model, vocabulary, "ab", 30, [0.1, 5.0], window=20)
    assert len(cold) == len(hot) == 30 and cold.startswith("cabcab")
    with pytest.raises(ValueError, match="'d'"):
        text_generation.sample(model, vocabulary, "abd", 5, [1.0])


@pytest.mark.concerns("11_attention")
def test_human_dates_are_seeded_and_every_style_writes_the_same_day():
    written, iso = attention.human_dates(50, seed=3)
    assert (written, iso) == attention.human_dates(50, seed=3) and written != attention.human_dates(50, seed=4)[0]
    assert all(len(d) == 10 and d[4] == d[7] == "-" and "1950" <= d[:4] <= "2049" for d in iso)
    day = __import__("datetime").date(1987, 5, 3)
    assert [style(day) for style in attention.STYLES.values()] == list(attention.STYLES)  # each style's name is its example
    assert [attention.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd"]


@pytest.mark.concerns("11_attention")
def test_test_days_are_held_out_and_sentences_hold_one_to_three_dates_in_order():
    import datetime

    train_days, test_days = attention.split_days(0.2, seed=0)
    all_days = (datetime.date(2049, 12, 31) - datetime.date(1950, 1, 1)).days + 1
    assert len(train_days) + len(test_days) == all_days and len(test_days) == round(0.2 * all_days)
    assert not set(train_days) & set(test_days)
    sentences, targets, styles = attention.date_lists(300, 1, test_days, max_dates=3)
    assert (sentences, targets) == attention.date_lists(300, 1, test_days, max_dates=3)[:2]
    assert {len(s) for s in styles} == {1, 2, 3} and all(len(t) == 32 for t in targets)
    held_out = {datetime.date.fromordinal(int(d)).isoformat() for d in test_days}
    for sentence, target, names in zip(sentences, targets, styles):
        isos = target.rstrip(".").split(" ")
        assert len(isos) == len(names) == len(sentence.split("; ")) and set(isos) <= held_out
        days = [datetime.date.fromisoformat(iso) for iso in isos]
        assert sentence == "; ".join(attention.STYLES[name](day) for name, day in zip(names, days))


@pytest.mark.concerns("11_attention")
def test_one_teacher_forced_pass_gives_greedy_decodings_exact_match():
    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(1)
    x = rng.integers(1, 6, (96, 4)).astype("int32")
    y = (x - 1)[:, ::-1].copy()
    model = attention.translator(6, 5, units=8, attention=True)
    attention.fit_translator(model, x, y, start_id=5, epochs=3, batch_size=32, learning_rate=1e-2)
    exact = attention.exact_match(model, x, y, 5)
    assert 0 < exact.mean() < 1, "a half-trained model, so that both verdicts occur"
    assert (exact == (attention.greedy_decode(model, x, 5, 4) == y).all(axis=1)).all()


@pytest.mark.concerns("11_attention")
def test_encode_padded_pads_with_zero_and_names_what_it_cannot_encode():
    vocabulary = ["<pad>", *"0123456789."]
    assert attention.encode_padded(["3.5", "12.10"], vocabulary).tolist() == [[4, 11, 6, 0, 0], [2, 3, 11, 2, 1]]
    with pytest.raises(ValueError, match=r"cannot encode 'May 3': characters ' May' are not in the vocabulary"):
        attention.encode_padded(["May 3"], vocabulary)
    with pytest.raises(ValueError, match="longer than 3"):
        attention.encode_padded(["12.10"], vocabulary, length=3)


@pytest.mark.concerns("11_attention")
def test_translator_with_attention_learns_to_copy_and_its_weights_sum_to_one():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(1, 6, (512, 4)).astype("int32")  # copy four symbols 1..5 to targets 0..4
    y = x - 1
    model = attention.translator(6, 5, units=16, attention=True)
    history = attention.fit_translator(model, x, y, start_id=5, epochs=20, batch_size=32, learning_rate=1e-2)
    assert history.seconds_per_epoch > 0
    assert (attention.greedy_decode(model, x[:64], 5, 4) == y[:64]).all(axis=1).mean() > 0.9
    weights = keras.Model(model.inputs, model.get_layer("attention").output[1]).predict([x[:8], y[:8]], verbose=0)
    assert weights.shape == (8, 4, 4) and np.allclose(weights.sum(axis=-1), 1, atol=1e-5)
    assert attention.translator(6, 5, units=16).name == "encoder_decoder"


@pytest.mark.concerns("12_activity_recognition")
def test_activity_classifiers_read_a_recording_and_refuse_an_unknown_kind():
    x = np.random.default_rng(0).normal(size=(3, 100, 6)).astype("float32")
    for kind in activity_recognition.ACTIVITY_MODELS:
        model = activity_recognition.activity_classifier(kind, 100, 6, 4, units=8)
        assert model.name == kind and model(x).shape == (3, 4) and np.allclose(model(x).numpy().sum(axis=1), 1, atol=1e-5)
    with pytest.raises(ValueError, match="dense, conv1d, lstm"):
        activity_recognition.activity_classifier("transformer", 100, 6, 4)
