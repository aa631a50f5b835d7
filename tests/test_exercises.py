"""course_utils.exercises: wrong answers get advice, unanswered ones "not answered yet", the course's own functions
never pass, and nothing ever raises. Each solution passes its check in its notebook (nbval; tests/test_notebook_hygiene.py
checks that every stored check output says Correct!)."""
import functools
import importlib
import inspect
import linecache
import pkgutil
import re
import signal
import time

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers, ops

from course_utils import by_hand, data, runtime
from course_utils.exercises import Exercise, is_stub, nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09, nb10, nb11, nb12, nb13, nb14, nb15, nb16, regions
from course_utils.exercises.solutions import SOLUTIONS

def _make_windows(values, window, horizon=1, step=1, last=True):
    starts = range(0, len(values) - window - horizon + (1 if last else 0), step)
    return (np.array([values[s:s + window] for s in starts]),
            np.array([values[s + window + horizon - 1] for s in starts]))


def _gru(x, h, kernel, recurrent, bias, reset_after=False, swapped=False):
    """A student's GRU step, in either of Keras' forms; `swapped` mixes old state and candidate the other way."""
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    input_bias, state_bias = (bias[0], bias[1]) if reset_after else (bias, np.zeros_like(bias))
    xz, xr, xh = np.split(x @ kernel + input_bias, 3, axis=-1)
    uz, ur, uh = np.split(recurrent, 3, axis=-1)
    bz, br, bh = np.split(state_bias, 3, axis=-1)
    z, r = sigmoid(xz + h @ uz + bz), sigmoid(xr + h @ ur + br)
    candidate = np.tanh(xh + r * (h @ uh + bh)) if reset_after else np.tanh(xh + (r * h) @ uh)
    return (1 - z) * h + z * candidate if swapped else z * h + (1 - z) * candidate


def _unigram_bits(train, test, vocab_size):
    p = (np.bincount(train, minlength=vocab_size) + 1) / (len(train) + vocab_size)
    return -np.mean(np.log2(p[test]))


def _bigram(train, test, vocab_size, smoothing=1, log=np.log2, joint=False):
    counts = np.full((vocab_size, vocab_size), float(smoothing))
    np.add.at(counts, (train[:-1], train[1:]), 1)
    p = counts / (counts.sum() if joint else counts.sum(axis=1, keepdims=True))
    with np.errstate(divide="ignore"):
        return -np.mean(log(p[test[:-1], test[1:]]))


def _writer(cell=layers.GRU, sequences=True, activation=None, mask_zero=False, **cell_options):
    return lambda vocab_size, embed_dim, units: keras.Sequential([
        keras.Input((None,), dtype="int32"), layers.Embedding(vocab_size, embed_dim, mask_zero=mask_zero),
        cell(units, return_sequences=sequences, **cell_options), layers.Dense(vocab_size, activation=activation)])


def _attention(query, keys, values, axis=-1, scale=False):
    scores = query @ keys.transpose(0, 2, 1) / (np.sqrt(query.shape[-1]) if scale else 1)
    weights = np.exp(scores) / np.exp(scores).sum(axis=axis, keepdims=True)
    return weights @ values, weights


def _conv1d(x, kernel, bias):
    k = kernel.shape[0]
    return np.stack([np.tensordot(x[t:t + k], kernel, axes=([0, 1], [0, 1])) + bias for t in range(len(x) - k + 1)])


def _translator(attention=layers.AdditiveAttention, concatenate=True, both=False, mask=True, start_from_encoder=True):
    def build(source_vocab_size, target_vocab_size, units):
        source, decoder_input = keras.Input((None,), dtype="int32"), keras.Input((None,), dtype="int32")
        encoded = layers.Embedding(source_vocab_size, 32, mask_zero=mask)(source)
        states, last = layers.GRU(units, return_sequences=True, return_state=True)(encoded)
        decoder = layers.GRU(units, return_sequences=True)(layers.Embedding(target_vocab_size + 1, 32)(decoder_input),
                                                            initial_state=last if start_from_encoder else None)
        context = attention()([decoder, states])
        if both:
            context = layers.Add()([context, layers.Attention()([decoder, states])])
        joined = layers.Concatenate()([decoder, context]) if concatenate else context
        return keras.Model([source, decoder_input], layers.Dense(target_vocab_size)(joined))
    return build


def _deeper(padding="same", pool=layers.GlobalMaxPooling1D, activation="softmax", conv_activation="relu"):
    return lambda n_steps, n_channels, n_classes: keras.Sequential([
        keras.Input((n_steps, n_channels)), layers.Conv1D(32, 3, padding=padding, activation=conv_activation),
        layers.MaxPooling1D(2), layers.Conv1D(64, 3, padding=padding, activation=conv_activation), pool(),
        layers.Dense(n_classes, activation=activation)])


_AUC_PAIRS = lambda normal, anomalous: np.asarray(anomalous)[:, None] - np.asarray(normal)[None]  # noqa: E731

WRONG = [
    (nb00.q1, (np.eye(3),), "only the centre"),
    (nb00.q1, (np.zeros((2, 2)),), "shape (3, 3)"),
    (nb00.q2, (runtime.profile(),), "profile.name"),
    (nb00.q2, ("fast",), "one of ci, lite, full"),
    (nb01.q1, (data.load("grace_hopper"),), "floats"),
    (nb01.q2, (784, 784 * 128), "bias"),
    (nb01.q3, (np.array([[0, 0, 0], [0, 0, 1], [0, 0, 0]]),), "left"),
    (nb02.q2, (((64, 64, 16), 784),), "stride"),
    (nb02.q2, (((32, 32, 16), 768),), "bias"),
    (nb02.q1, (lambda image, kernel: __import__("scipy.signal").signal.convolve2d(image, kernel, mode="valid"),), "flipped"),
    (nb02.q3, (np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),), "vertical"),
    (nb02.q3, (np.eye(3),), "sum to 0"),
    (nb03.q1, (3200, 409_728), "shrinks it once more"),
    (nb03.q1, (1152, 1152 * 128), "biases"),
    (nb03.q2, (lambda probs, labels: 100 * (probs.argmax(axis=1) == labels).mean(),), "percentage"),
    (nb04.q1, (lambda v, w, h=1, s=1: _make_windows(v, w, h, s, last=False),), "target still inside"),
    (nb04.q1, (lambda v, w, h=1, s=1: _make_windows(v, w, h + 1, s),), "one step too late"),
    (nb04.q3, (lambda x, h, k, r, b: _gru(x, h, k, r, np.stack([b, 0 * b]), reset_after=True),), "default form"),
    (nb04.q3, (lambda x, h, k, r, b: _gru(x, h, k, r, b, swapped=True),), "swapped"),
    (nb04.q3, (lambda x, h, k, r, b: _gru(x, h, k, r, b)[0],), "shape"),
    (nb05.q1, (lambda images, std, seed: images + np.random.default_rng(seed).normal(0, std, images.shape),), "clip"),
    (nb05.q1, (lambda images, std, seed: np.clip(images + np.random.default_rng().normal(0, std, images.shape), 0, 1),), "same seed"),
    (nb05.q1, (lambda images, std, seed: np.clip(images + np.random.default_rng(seed).normal(0, std ** 2, images.shape), 0, 1),), "variance"),
    (nb10.q1, (lambda tr, te, v: _bigram(tr, te, v, smoothing=0),), "smoothing"),
    (nb10.q1, (lambda tr, te, v: _bigram(tr, te, v, log=np.log),), "nats"),
    (nb10.q1, (_unigram_bits,), "unigram"),
    (nb10.q1, (lambda tr, te, v: _bigram(tr, te, v, joint=True),), "all pairs"),
    (nb10.q3, (lambda z, t: np.exp(z * t) / np.exp(z * t).sum(axis=-1, keepdims=True),), "multiply"),
    (nb10.q3, (lambda z, t: np.exp(z / t) / np.exp(z / t).sum(axis=-1, keepdims=True),), "overflow"),
    (nb10.q3, (lambda z, t: np.exp(z / t) / np.exp(z / t).sum(),), "sum to 1"),
    (nb11.q2, (lambda q, k, v: _attention(q, k, v, axis=1),), "over the output steps"),
    (nb11.q2, (lambda q, k, v: _attention(q, k, v, scale=True),), "1/sqrt(d)"),
    (nb11.q2, (lambda q, k, v: _attention(q, k, v)[::-1],), "swapped"),
    (nb11.q2, (lambda q, k, v: (_attention(q, k, v)[1] @ k, _attention(q, k, v)[1]),), "weighted sum of the values"),
    (nb12.q1, (lambda x, kernel, b: _conv1d(x, kernel[::-1], b),), "flipped"),
    (nb12.q1, (lambda x, kernel, b: _conv1d(x, kernel, 0 * b),), "bias"),
    (nb12.q1, (lambda x, kernel, b: _conv1d(x, kernel, b)[:-1],), "shape"),
    (nb05.q3, (lambda normal, anomalous: (_AUC_PAIRS(normal, anomalous) < 0).mean() + 0.5 * (_AUC_PAIRS(normal, anomalous) == 0).mean(),), "one minus"),
    (nb05.q3, (lambda normal, anomalous: (_AUC_PAIRS(normal, anomalous) > 0).mean(),), "one half"),
    (nb06.q1, (lambda mu, log_var: -0.5 * (1 + log_var - mu ** 2 - np.exp(log_var)),), "per latent dimension"),
    (nb06.q1, (lambda mu, log_var: -0.5 * np.sum(1 + np.exp(log_var) - mu ** 2 - 0.5 * log_var, axis=-1),), "slide's form"),
    (nb06.q1, (lambda mu, log_var: 0.5 * np.sum(1 + log_var - mu ** 2 - np.exp(log_var), axis=-1),), "sign"),
    (nb06.q2, (lambda mu, log_var, eps: mu + np.exp(log_var) * eps,), "standard deviation"),
    (nb06.q2, (lambda mu, log_var, eps: mu + log_var * eps,), "logarithm"),
    (nb07.q1, (lambda real, fake: -ops.mean(ops.softplus(-real)) - ops.mean(ops.softplus(fake)),), "sign is flipped"),
    (nb07.q1, (lambda real, fake: ops.mean(ops.softplus(real)) + ops.mean(ops.softplus(-fake)),), "swapped"),
    (nb07.q1, (lambda real, fake: -ops.mean(ops.log(real)) - ops.mean(ops.log(1 - fake)),), "logits"),
    (nb07.q1, (lambda real, fake: np.mean(np.logaddexp(0, -np.asarray(real))) + np.mean(np.logaddexp(0, np.asarray(fake))),), "keras.ops"),
    (nb06.q1, (lambda mu, log_var: -0.5 * np.sum(1 + log_var - mu ** 2 - np.exp(log_var), axis=-1),), "keras.ops"),
    (nb07.q2, (lambda p: p.mean(axis=0),), "argmax"),
    (nb07.q2, (lambda p: np.bincount(p.argmax(axis=1), minlength=10),), "counts"),
    (nb07.q2, (lambda p: np.bincount(p.argmax(axis=1)) / len(p),), "minlength"),
    (nb08.q1, (7 * 7 * 512 * 4096,), "biases"),
    (nb08.q2, (lambda layers, k=3: layers * k,), "see"),
    (nb09.q1, (lambda i, c, s, prefetch: (i + c) / s,), "compute only"),
    (nb09.q1, (lambda i, c, s, prefetch: i + c,), "`speedup` times faster"),
    (nb09.q1, (lambda i, c, s, prefetch: i + c / s,), "overlap"),
    (nb09.q1, (lambda i, c, s, prefetch: min(i, c / s) if prefetch else i + c / s,), "slower part"),
    (nb09.q3, (128, 0.001, 469), "global batch counts"),
    (nb09.q3, (512, 0.004, 118), "eight replicas"),
    (nb09.q3, (1024, 0.001, 59), "linear scaling rule"),
    (nb09.q3, (1024, 0.000125, 59), "other way round"),
    (nb09.q3, (1024, 0.008, 469), "global batch"),
]


def _small_cnn(pool=True, last="softmax"):
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3, activation="relu"),
                             *([layers.MaxPooling2D(2)] if pool else []), layers.Conv2D(32, 3, activation="relu"),
                             layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(10, activation=last)])


def _digits():
    (_, _), (x, y) = data.load("mnist")
    return data.as_input(x[:300]), y[:300]


def _stacked(first_returns_sequences=True, kind=layers.LSTM, units=None):
    return lambda window, n_features, u=32: keras.Sequential([
        keras.Input((window, n_features)), kind(units or u, return_sequences=first_returns_sequences),
        kind(units or u), layers.Dense(1)])


def _denoiser(noise=True, std=None):
    return lambda noise_std, bottleneck=32: keras.Sequential([
        keras.Input((28, 28, 1)), *([layers.GaussianNoise(std or noise_std)] if noise else []), layers.Flatten(),
        layers.Dense(256, activation="relu"), layers.Dense(bottleneck), layers.Dense(256, activation="relu"),
        layers.Dense(784, activation="sigmoid"), layers.Reshape((28, 28, 1))])


def _residual(project_always=False, relu_first=False):
    def block(x, filters):
        f = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        f = layers.Conv2D(filters, 3, padding="same", activation="relu" if relu_first else None)(f)
        shortcut = layers.Conv2D(filters, 1)(x) if project_always or x.shape[-1] != filters else x
        added = layers.Add()([shortcut, f])
        return added if relu_first else layers.Activation("relu")(added)
    return block


def _pipeline(autotune=False, reshuffle=True, cache=True, prefetch=True):
    def steady_dataset(images, labels, batch_size, seed):
        ds = tf.data.Dataset.from_tensor_slices((images, labels))
        ds = ds.map(lambda x, y: (tf.cast(x, tf.float32)[..., None] / 255.0, y))
        ds = ds.cache() if cache else ds
        ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=reshuffle).batch(batch_size)
        ds = ds.prefetch(2) if prefetch else ds
        options = tf.data.Options()
        options.autotune.enabled = autotune
        return ds.with_options(options)
    return steady_dataset


KERAS_WRONG = [
    (nb03.q3, lambda: (lambda: _small_cnn(pool=False), _small_cnn(), *_digits(), 0.6), "first difference is layer 2"),
    (nb03.q3, lambda: (lambda: _small_cnn(last="relu"), _small_cnn(), *_digits(), 0.6), "relu, relu, softmax"),
    (nb03.q3, lambda: (_small_cnn, _small_cnn(), *_digits(), 0.6), "did you train it"),
    (nb04.q2, lambda: (_stacked(first_returns_sequences=False),), "return_sequences=True"),
    (nb04.q2, lambda: (_stacked(kind=layers.GRU),), "should be LSTM, LSTM, Dense"),
    (nb04.q2, lambda: (_stacked(units=32),), "should output (None, 7, 8)"),
    (nb05.q2, lambda: (_denoiser(noise=False),), "GaussianNoise"),
    (nb05.q2, lambda: (_denoiser(std=0.5),), "noise_std"),
    (nb08.q3, lambda: (_residual(project_always=True),), "only when the channel count changes"),
    (nb08.q3, lambda: (_residual(relu_first=True),), "ReLU applied after the addition"),
    (nb08.q3, lambda: (lambda x, filters: layers.Conv2D(filters, 3, padding="same")(x),), "layers.Add()"),
    (nb10.q2, lambda: (_writer(mask_zero=True),), "mask_zero=True the GRU skips every newline"),
    (nb10.q2, lambda: (_writer(go_backwards=True),), "reads the future"),
    (nb10.q2, lambda: (_writer(sequences=False),), "return_sequences=True"),
    (nb10.q2, lambda: (_writer(cell=layers.LSTM),), "GRU"),
    (nb11.q3, lambda: (_translator(mask=False),), "mask_zero=True"),
    (nb11.q3, lambda: (_translator(start_from_encoder=False),), "initial_state=encoder_state"),
    (nb11.q3, lambda: (_translator(attention=layers.Attention),), "no AdditiveAttention"),
    (nb12.q2, lambda: (_deeper(conv_activation=None),), 'activation="relu"'),
    (nb12.q2, lambda: (_deeper(padding="valid"),), "should output"),
    (nb09.q2, lambda: (_pipeline(autotune=True),), "autotuning is still on"),
    (nb09.q2, lambda: (_pipeline(reshuffle=False),), "same order"),
    (nb09.q2, lambda: (_pipeline(cache=False),), "cache()"),
    (nb09.q2, lambda: (_pipeline(prefetch=False),), "prefetch"),
    (nb09.q2, lambda: (lambda images, labels, batch_size, seed: images / 255.0,), "tf.data.Dataset"),
]

MODULES = [nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09, nb10, nb11, nb12, nb13, nb14, nb15, nb16]
EXERCISES = [getattr(m, name) for m in MODULES for name in sorted(vars(m)) if re.fullmatch(r"q\d+", name)]


@pytest.mark.parametrize("exercise, answer, advice", WRONG)
def test_wrong_answers_get_specific_advice(exercise, answer, advice, capsys):
    exercise.check(*answer)
    out = capsys.readouterr().out
    assert exercise.passed is False and out.startswith("Not quite") and advice in out, out


@pytest.mark.parametrize("exercise, answer, advice", KERAS_WRONG)
def test_wrong_keras_answers_get_specific_advice(exercise, answer, advice, capsys):
    answer = answer()
    capsys.readouterr()  # what loading the data printed
    exercise.check(*answer)
    out = capsys.readouterr().out
    assert exercise.passed is False and out.startswith("Not quite") and advice in out, out


def _stub(*args):
    ...


def _unfinished(*args):
    raise NotImplementedError


@pytest.mark.parametrize("exercise", EXERCISES, ids=repr)
def test_unanswered_exercises_say_so_and_nothing_raises(exercise, capsys):
    for unanswered in [(...,), (None,), (_stub,), ()]:
        exercise.check(*unanswered)
        assert exercise.passed is False and "not answered yet" in capsys.readouterr().out
    exercise.check("banana")
    exercise.hint()
    exercise.solution()
    out = capsys.readouterr().out
    assert exercise.passed is False and "Hint" in out and "Solution" in out


@pytest.mark.concerns("*")
def test_every_notebook_has_its_exercises_and_each_shows_the_notebooks_solution(capsys):
    assert {ex.notebook for ex in EXERCISES} == {f"{n:02d}" for n in range(17)}
    for exercise in EXERCISES:
        exercise.solution()
        shown = capsys.readouterr().out
        assert shown == f"Solution ({exercise.name}):\n{SOLUTIONS[exercise.notebook][exercise.name]}\n"


def _course_functions():
    """Every function that the course's modules offer a notebook (the by-hand references, the lessons...)."""
    import course_utils.lessons

    names = ["by_hand", "data", "judging", "timeseries", "performance", "plotting", "runtime", "checkup"]
    modules = [importlib.import_module(f"course_utils.{n}") for n in names]
    modules += [importlib.import_module(f"course_utils.lessons.{m.name}") for m in pkgutil.iter_modules(course_utils.lessons.__path__)]
    return [f for m in modules for name, f in vars(m).items()
            if inspect.isfunction(f) and f.__module__ == m.__name__ and not name.startswith("_")]


@pytest.mark.concerns("*")
def test_no_course_reference_passes_a_check(capsys):
    references = _course_functions()
    assert by_hand.gru_step in references and by_hand.kl_to_standard_normal in references and len(references) > 40
    for exercise in EXERCISES:
        for reference in references:
            exercise.check(reference)
            assert exercise.passed is False, f"{exercise!r} passes with the course's own {reference.__qualname__}"
    nb04.q3.check(by_hand.gru_step)
    assert "`by_hand.gru_step` is the course's own version" in capsys.readouterr().out.splitlines()[-1]


def _wrapped_correlate(image, kernel):
    return _flipped_twice(image, kernel)  # the course's function two calls deep


def _flipped_twice(image, kernel):
    return by_hand.correlate2d(image, kernel[::-1, ::-1][::-1, ::-1])


def _imports_gru_step(x, h, kernel, recurrent, bias):
    from course_utils.by_hand import gru_step
    return gru_step(x, h, kernel, recurrent, bias)


@pytest.mark.parametrize("exercise, answer, course_function", [
    (nb02.q1, lambda image, kernel: by_hand.correlate2d(image, kernel), "by_hand.correlate2d"),
    (nb02.q1, _wrapped_correlate, "by_hand.correlate2d"),
    (nb10.q1, lambda train, test, vocab_size: by_hand.ngram_bits(train, test, vocab_size) + 0.0, "by_hand.ngram_bits"),
    (nb04.q3, functools.partial(by_hand.gru_step, reset_after=False), "by_hand.gru_step"),
    (nb04.q3, _imports_gru_step, "by_hand.gru_step"),
], ids=["lambda", "two calls deep", "plus zero", "partial", "imported inside"])
def test_a_wrapper_around_a_course_function_is_refused_like_the_function(exercise, answer, course_function, capsys):
    exercise.check(answer)
    out = capsys.readouterr().out
    named = f"`{course_function}`, the course's own version" in out or f"`{course_function}` is the course's own version" in out
    assert exercise.passed is False and named, out


def test_a_course_helper_and_a_module_called_like_a_course_one_are_allowed():
    from course_utils.exercises import course_functions_called

    assert course_functions_called(lambda v: by_hand.sigmoid(v) * 2) == []  # a building block, as nb04's solution uses it
    assert course_functions_called(lambda x: tf.data.Dataset.from_tensor_slices(x).cache()) == []  # tf.data, not data
    assert course_functions_called(lambda: data.load("mnist")) == ["data.load"]


@pytest.mark.parametrize("exercise, answer, advice", [
    (nb01.q2, ("784", 100_480), "not the text '784': leave out the quotes"),
    (nb01.q2, (784, True), "should be a whole number, not True"),
    (nb08.q1, (102_764_544.9,), "is a whole number, and 102764544.9 is not"),
    (nb09.q3, (1024, 0.008, 60_000 / 1024), "the steps per epoch is a whole number"),
    (nb02.q2, (("32", 32, 16), 784), "not the text '32'"),
])
def test_a_whole_number_is_refused_as_text_a_fraction_or_a_bool(exercise, answer, advice, capsys):
    exercise.check(answer) if exercise is nb02.q2 else exercise.check(*answer)
    out = capsys.readouterr().out
    assert exercise.passed is False and advice in out, out


def test_a_whole_number_may_come_as_a_float(capsys):
    nb01.q2.check(784.0, np.int64(100_480))
    assert nb01.q2.passed is True, capsys.readouterr().out


def test_an_answer_that_never_returns_is_stopped_with_advice(capsys):
    def never_returns():
        while True:
            try:
                pass
            except Exception:  # noqa: BLE001 - what a student's loop might do; the time limit still stops it
                pass

    exercise = Exercise("99", "q1", lambda answer: answer(), hint="h", time_limit=0.5)
    handler = signal.getsignal(signal.SIGALRM)
    started = time.perf_counter()
    exercise.check(never_returns)
    assert time.perf_counter() - started < 5 and exercise.passed is False
    assert "stopped after 0.5 s" in capsys.readouterr().out
    assert signal.getsignal(signal.SIGALRM) is handler and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("raised, advice", [(SystemExit(1), "called exit()"), (KeyboardInterrupt(), "was interrupted")])
def test_exit_and_interrupt_from_an_answer_are_caught(raised, advice, capsys):
    def answer():
        raise raised

    exercise = Exercise("99", "q1", lambda answer: answer(), hint="h")
    exercise.check(answer)
    assert exercise.passed is False and advice in capsys.readouterr().out


@pytest.mark.parametrize("exercise, build", [(nb10.q2, _writer()), (nb11.q3, _translator()), (nb12.q2, _deeper())],
                         ids=["writer", "translator", "deeper conv"])
def test_a_right_answer_written_another_way_passes(exercise, build, capsys):
    """The tests' own right answers (wrong ones are these with one thing changed) pass, so each wrong one is wrong
    for the one reason its advice names."""
    exercise.check(build)
    assert exercise.passed is True, capsys.readouterr().out


def test_a_function_that_raises_not_implemented_is_unanswered(capsys):
    nb02.q1.check(_unfinished)  # what nbgrader's own stub leaves in a function
    assert nb02.q1.passed is False and "not answered yet" in capsys.readouterr().out


def test_a_broken_answer_is_reported_with_the_line_it_broke_on(capsys):
    cell, filename = "def my_correlate(image, kernel):\n    return image @ kernels\n", "/tmp/ipykernel_4242/123456.py"
    linecache.cache[filename] = (len(cell), None, cell.splitlines(keepends=True), filename)  # as IPython does
    namespace = {}
    exec(compile(cell, filename, "exec"), namespace)  # what a notebook cell looks like
    nb02.q1.check(namespace["my_correlate"])
    out = capsys.readouterr().out
    assert "could not be checked: NameError" in out and "at `return image @ kernels`" in out


def test_a_broken_checker_input_is_reported_not_raised(capsys):
    ex = Exercise("99", "qx", lambda a: 1 / a, hint="h")
    ex.check(0)
    assert "could not be checked: ZeroDivisionError" in capsys.readouterr().out


def test_a_stub_keeps_each_signature_and_binds_each_name_to_ellipsis():
    solution = ('import math\n\ndef area(w, h):\n    """Width times height."""\n    return w * h\n\n'
                'side, other = 3, 4\nside = math.sqrt(area(side, other))\nprint(side)')
    text = regions.stub(solution, "q5")
    assert text.splitlines()[0].startswith("# Exercise q5: your answer goes here")
    namespace = {}
    exec(text, namespace)
    assert namespace["side"] is ... and namespace["other"] is ... and is_stub(namespace["area"])
    assert namespace["area"].__doc__ == "Width times height." and "math" not in namespace and "print" not in text
    with pytest.raises(ValueError, match="not class"):
        regions.stub("class Net:\n    pass", "q1")
