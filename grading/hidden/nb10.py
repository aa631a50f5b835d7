"""Hidden tests of notebook 10 (text generation): 3 + 5 + 3 + 5 points.

q1 and q3 run on ids and logits drawn for every grading run; q2's network is built for two sizes in the student's
process and trained by the grader on text drawn for the run, in a process that runs no student code; q4 writes with a
stand-in model whose next-character probabilities are drawn for the run, so what it should write is known.
"""
from __future__ import annotations

import ast
import functools
from pathlib import Path

import numpy as np

from grading.hidden import HiddenTest, Task, as_array, call_each, judged
from grading.hidden.keras_layers import built, learned, loss_before_after, saved_network, size_judge

LESSON = Path(__file__).resolve().parents[2] / "course_utils" / "lessons" / "text_generation.py"

# --- q1: bigram_bits(train_ids, test_ids, vocab_size) -----------------------------------------------------------


def _q1_probes(rng: np.random.Generator) -> dict:
    calls = {}
    for kind, vocab_size, n_train, n_test in [("seen", int(rng.integers(3, 8)), 400, 60),
                                              ("unseen", int(rng.integers(8, 15)), 1500, 200)]:
        top = vocab_size if kind == "seen" else vocab_size - 2  # the last two characters never occur in training
        calls[kind] = [rng.integers(0, top, n_train).tolist(), rng.integers(0, vocab_size, n_test).tolist(), vocab_size]
    return calls


def _q1(kind: str):
    def check(student, reference, probes):
        got, want = as_array(student[kind]), as_array(reference[kind])
        train, test, vocab_size = probes[kind]
        case = f"for {len(train)} training and {len(test)} test characters over a vocabulary of {vocab_size}"
        assert got.ndim == 0, f"{case} it should give one number of bits per character, not shape {got.shape}"
        assert np.isfinite(got), f"{case} it gives {float(got)}: a pair never seen in training needs add-one smoothing"
        counts = np.zeros((vocab_size, vocab_size))
        np.add.at(counts, (np.asarray(train[:-1]), np.asarray(train[1:])), 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            unsmoothed = -np.mean(np.log2((counts / counts.sum(axis=1, keepdims=True))[test[:-1], test[1:]]))
        if np.isclose(got, unsmoothed):
            raise AssertionError(f"{case} it gives {float(got):.4f}, the bits without smoothing: add one to every pair count")
        if np.isclose(got, want * np.log(2)):
            raise AssertionError(f"{case} it gives nats (natural log); bits use log2")
        assert np.isclose(got, want), f"{case} the bigram model pays {float(want):.4f} bits per character, not {float(got):.4f}"
    return check


# --- q2: gru_writer(vocab_size, embed_dim, units) ---------------------------------------------------------------

STEPS = 40  # Adam steps the grader trains the student's network for


def _q2_probes(rng: np.random.Generator) -> dict:
    return {"sizes": [[int(rng.integers(12, 30)), int(rng.choice([8, 12])), int(rng.choice([16, 24]))],
                      [int(rng.integers(40, 70)), 4, 8]], "seed": int(rng.integers(2**31))}


def _q2_evaluate(collected: dict, probes: dict, folder: Path) -> dict:
    """Train the student's writer to continue sequences in which each id is one more than the last."""
    import keras

    vocab_size = probes["sizes"][0][0]
    rng = np.random.default_rng(probes["seed"])
    ids = (rng.integers(0, vocab_size, (32, 1)) + np.arange(21)) % vocab_size
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    return loss_before_after(saved_network(folder), probes["seed"], ids[:, :-1].astype("int32"), ids[:, 1:], loss, STEPS)



# --- q3: with_temperature(logits, temperature) ------------------------------------------------------------------


def _q3_probes(rng: np.random.Generator) -> dict:
    rows, vocab = int(rng.integers(2, 6)), int(rng.integers(4, 12))
    return {"batch": [(rng.normal(size=(rows, vocab)) * 3).round(3).tolist(), float(rng.choice([0.5, 0.8, 1.5, 2.0]))],
            "large": [(rng.normal(size=vocab) * 300).round(3).tolist(), 0.01]}


def _q3_collect(values: dict, probes: dict) -> dict:
    return {kind: call_each(values["with_temperature"], [args])[0] for kind, args in probes.items()}


def _q3_batch(student, reference, probes):
    got, want = as_array(student["batch"]), as_array(reference["batch"])
    assert got.shape == want.shape, f"for logits of shape {want.shape} the probabilities should have that shape, not {got.shape}"
    assert np.allclose(got.sum(axis=-1), 1), "each row of probabilities should add up to 1: a softmax over the last axis"


def _q3_values(student, reference, probes):
    got, want = as_array(student["batch"]), as_array(reference["batch"])
    temperature = probes["batch"][1]
    assert got.shape == want.shape and np.allclose(got, want, atol=1e-6), (
        f"at temperature {temperature} the probabilities are wrong: softmax(logits / temperature)")


def _q3_stable(student, reference, probes):
    got, want = as_array(student["large"]), as_array(reference["large"])
    assert got.shape == want.shape and np.all(np.isfinite(got)), (
        "for logits in the hundreds at temperature 0.01 it overflows: subtract the largest logit before exp")
    assert np.allclose(got, want, atol=1e-6), "for large logits at temperature 0.01 the probabilities are wrong"


# --- q4: write(model, vocabulary, prompt, n_chars, temperature, seed) -------------------------------------------


@functools.cache
def _q4_setup_code() -> str:
    """The notebook's encode and decode (from its exported lesson, not imported: that would start TensorFlow) and its
    context length, which `write` uses; read once per grader, not once per submission."""
    tree = ast.parse(LESSON.read_text())
    wanted = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in ("encode", "decode")]
    return "\n\n".join(ast.unparse(node) for node in wanted) + "\nlength = 64\n"


def _q4_setup(probes) -> str:
    return _q4_setup_code()


def _q4_probes(rng: np.random.Generator) -> dict:
    vocabulary = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), int(rng.integers(5, 9)), replace=False))
    p = rng.dirichlet(np.ones(len(vocabulary)) * 2)
    return {"vocabulary": vocabulary, "chain": rng.permutation(len(vocabulary)).tolist(),
            "prompt": "".join(rng.choice(list(vocabulary), 3)), "n_chars": int(rng.integers(6, 15)),
            "p": p.round(4).tolist(), "temperature": float(rng.choice([0.5, 2.0])), "seed": int(rng.integers(2**16))}


def _q4_collect(values: dict, probes: dict) -> dict:
    from course_utils.exercises.nb10 import _TableWriter
    from grading.runner import describe

    write, vocabulary, seed = values["write"], probes["vocabulary"], probes["seed"]
    size = len(vocabulary)
    chain = np.full((size, size), -4.0)
    chain[np.arange(size), probes["chain"]] = 4.0
    flat = _TableWriter(np.tile(np.log(np.asarray(probes["p"]) + 1e-9), (size, 1)))
    runs = {"chain": lambda: write(_TableWriter(chain), vocabulary, probes["prompt"], probes["n_chars"], 1e-3, seed=seed),
            "sampled": lambda: write(flat, vocabulary, vocabulary[0], 1500, probes["temperature"], seed=seed),
            "again": lambda: write(flat, vocabulary, vocabulary[0], 60, 1.0, seed=seed),
            "same seed": lambda: write(flat, vocabulary, vocabulary[0], 60, 1.0, seed=seed),
            "other seed": lambda: write(flat, vocabulary, vocabulary[0], 60, 1.0, seed=seed + 1)}
    out = {}
    for kind, run in runs.items():
        try:
            text = run()
            out[kind] = text if isinstance(text, str) else {"error": f"it returns {type(text).__name__}, not a string"}
        except BaseException as error:  # noqa: BLE001
            out[kind] = {"error": describe(error)}
    return out


def _text(student, kind: str) -> str:
    got = student[kind]
    if isinstance(got, dict):
        raise AssertionError(f"`write` {got['error'] if got['error'].startswith('it ') else 'raised ' + got['error']}")
    return got


def _q4_chain(student, reference, probes):
    got, want = _text(student, "chain"), reference["chain"]
    assert not got.startswith(probes["prompt"]) or len(got) == probes["n_chars"], "return only the new characters, without the prompt"
    assert len(got) == probes["n_chars"], f"asked for {probes['n_chars']} new characters, it wrote {len(got)}"
    assert got == want, (f"a model that is sure of each next character should, at a temperature near 0, write {want!r} "
                         f"after {probes['prompt']!r}, not {got!r}: read the logits at the last position, divide by the "
                         "temperature, draw, append, repeat")


def _q4_shares(student, reference, probes):
    text, vocabulary, temperature = _text(student, "sampled"), probes["vocabulary"], probes["temperature"]
    p = np.asarray(probes["p"])
    expected = p ** (1 / temperature) / (p ** (1 / temperature)).sum()
    shares = np.array([text.count(c) for c in vocabulary]) / max(len(text), 1)
    distance = 0.5 * np.abs(shares - expected).sum()
    assert len(text) == 1500 and distance < 0.06, (
        f"from a model whose next-character probabilities are {np.round(p, 2).tolist()}, at temperature {temperature} "
        f"the shares should be near {np.round(expected, 2).tolist()}, not {np.round(shares, 2).tolist()}: draw each "
        "character from with_temperature(logits, temperature)")


def _q4_seeded(student, reference, probes):
    first, again, other = (_text(student, kind) for kind in ("again", "same seed", "other seed"))
    assert first == again, "the same seed gave two different texts: draw with np.random.default_rng(seed)"
    assert first != other, "two seeds gave the same text: use `seed`"


TASKS = [
    Task("q1", ("bigram_bits",), probes=_q1_probes, time_limit=15,
         collect=lambda values, probes: {kind: call_each(values["bigram_bits"], [args])[0] for kind, args in probes.items()},
         forbidden=("course_utils.by_hand.ngram_bits", "course_utils.lessons.text_generation.ngram_bits",
                    "course_utils.lessons.text_generation.fit_ngram"),
         tests=(HiddenTest("bits per character, every character seen in training", 2, judged(_q1("seen"))),
                HiddenTest("finite and right with characters never seen in training", 1, judged(_q1("unseen"))))),
    Task("q2", ("gru_writer",), preload=("keras",), probes=_q2_probes,
         collect=lambda values, probes: built(values["gru_writer"], probes["sizes"]),
         evaluate=_q2_evaluate, time_limit=60,
         tests=(HiddenTest("layers, shapes and parameters for a vocabulary and sizes drawn", 2,
                           judged(size_judge("gru_writer", 0))),
                HiddenTest("the same for a second size", 1, judged(size_judge("gru_writer", 1))),
                HiddenTest(f"trained by the grader for {STEPS} steps on sequences that count up, its loss falls by "
                           "half or more", 2,
                           judged(learned(STEPS, 0.5, "does it give logits for every position, one per id?"))))),
    Task("q3", ("with_temperature",), probes=_q3_probes, collect=_q3_collect, time_limit=10,
         tests=(HiddenTest("a batch of logits: rows of probabilities", 1, judged(_q3_batch)),
                HiddenTest("their values at a temperature drawn", 1, judged(_q3_values)),
                HiddenTest("large logits at a low temperature, without overflow", 1, judged(_q3_stable)))),
    Task("q4", ("write",), probes=_q4_probes, setup=_q4_setup, collect=_q4_collect, time_limit=30,
         forbidden=("course_utils.lessons.text_generation.sample_ngram",),
         tests=(HiddenTest("near temperature 0, with a model sure of each next character drawn", 2, judged(_q4_chain)),
                HiddenTest("the shares of 1,500 characters drawn at a temperature", 2, judged(_q4_shares)),
                HiddenTest("the same text for the same seed, another for another", 1, judged(_q4_seeded)))),
]
