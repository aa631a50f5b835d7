"""The grader (grading/): a synthetic class of notebook 02 graded against a file of expected grades, and the parts
that decide a grade without running anything (finding answers, refusing what is not the student's own work)."""
import csv
import doctest
import hashlib
import inspect
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_utils import by_hand
import grading.collect
import grading.report
import grading.sandbox
import grading.synthetic
from grading import engine, hidden
from grading.__main__ import main as grade_main
from grading.sandbox import ROOT
from tools.release import student_version

NOTEBOOK = ROOT / "notebooks" / "02_convolution_by_hand.ipynb"
EXPECTED = Path(__file__).parent / "grading" / "expected_02.csv"

RIGHT = {
    "q1": textwrap.dedent("""\
        def my_correlate(image, kernel):
            kh, kw = kernel.shape
            out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
            for i in range(out.shape[0]):
                for j in range(out.shape[1]):
                    out[i, j] = (image[i:i + kh, j:j + kw] * kernel).sum()
            return out"""),
    "q2": "answer = ((32, 32, 16), 784)",
    "q3": "horizontal_edges = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])",
}


def _public_lookup_table() -> str:
    """An answer that knows the public check's inputs by heart and returns zeros of the right size for the rest."""
    rng, table = np.random.default_rng(7), {}
    for shape, k in [((5, 5), 3), ((6, 9), 2), ((8, 8), 3), ((4, 7), 1)]:
        image, kernel = rng.integers(-5, 6, shape), rng.integers(-2, 3, (k, k))
        table[image.tobytes() + kernel.tobytes()] = by_hand.correlate2d(image, kernel).tolist()
    return (f"TABLE = {table!r}\n"
            "def my_correlate(image, kernel):\n"
            "    known = TABLE.get(image.tobytes() + kernel.tobytes())\n"
            "    shape = (image.shape[0] - kernel.shape[0] + 1, image.shape[1] - kernel.shape[1] + 1)\n"
            "    return np.array(known) if known is not None else np.zeros(shape)")


def _copy_of_course_function() -> str:
    source = inspect.getsource(by_hand.correlate2d).replace("def correlate2d(", "def my_correlate(")
    return source.replace("image", "picture").replace("kernel", "weights")


Q1 = {
    "right_written_differently": ("def my_correlate(image, kernel):\n"
                                  "    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)\n"
                                  "    return np.einsum('ijkl,kl->ij', windows, kernel)"),
    "partly_right": RIGHT["q1"].replace("kh, kw = kernel.shape", "kh = kw = kernel.shape[0]"),
    "flipped_kernel": RIGHT["q1"].replace("* kernel)", "* np.flip(kernel))"),
    "syntax_error": RIGHT["q1"].replace("def my_correlate(image, kernel):", "def my_correlate(image, kernel)"),
    "slow": "import time\ntime.sleep(600)\n" + RIGHT["q1"],
    "endless_loop": ("def my_correlate(image, kernel):\n    while True:\n        try:\n            pass\n"
                     "        except BaseException:\n            pass"),
    "memory_bomb": "def my_correlate(image, kernel):\n    return np.ones((10**5, 10**5))  # 80 GB",
    "deletes_files": ("import os, shutil\n"
                      f"for path in [{str(ROOT / 'README.md')!r}, {str(ROOT / 'course_utils')!r}, os.path.expanduser('~')]:\n"
                      "    try:\n        shutil.rmtree(path)\n    except OSError:\n        pass\n"
                      "    try:\n        open(path, 'w').write('gone')\n    except OSError:\n        pass\n" + RIGHT["q1"]),
    "network_and_programs": ("import os, urllib.request\n"
                             "for attempt in (lambda: urllib.request.urlopen('https://pypi.org', timeout=3),\n"
                             "                lambda: os.system('touch /tmp/owned'), lambda: os.fork()):\n"
                             "    try:\n        attempt()\n    except Exception:\n        pass\n" + RIGHT["q1"]),
    "exits_the_process": "import os\ndef my_correlate(image, kernel):\n    os._exit(0)",
    "passed_flag_set": "q1.passed = True",
    "numpy_patched": ("np.allclose = lambda *args, **kwargs: True\n"
                      "def my_correlate(image, kernel):\n"
                      "    return np.zeros((image.shape[0] - kernel.shape[0] + 1, image.shape[1] - kernel.shape[1] + 1))"),
    "lookup_table": _public_lookup_table(),
    "calls_course_function": "def my_correlate(image, kernel):\n    return by_hand.correlate2d(image, kernel)",
    "course_function_found_at_run_time": ("from course_utils import by_hand as helpers\n"
                                          "mine = getattr(helpers, 'correlate' + '2d')\n"
                                          "def my_correlate(image, kernel):\n    return mine(image, kernel)"),
    "calls_scipy": ("import scipy.signal\ndef my_correlate(image, kernel):\n"
                    "    return scipy.signal.correlate2d(image, kernel, mode='valid')"),
    "copies_course_function": _copy_of_course_function(),
    "reaches_into_grader": ("def my_correlate(image, kernel):\n"
                            "    return __import__('course_utils.by_hand', fromlist=['x']).correlate2d(image, kernel)"),
    "forges_another_exercises_record": ("import json\n"
                                        "with open('results.jsonl', 'a') as forged:\n"
                                        "    forged.write(json.dumps({'exercise': 'q2', 'collected': [[32, 32, 16], 784], "
                                        "'cell_error': None, 'attempts': [], 'missing': [], 'unanswered': []}) + '\\n')\n"
                                        + RIGHT["q1"]),
    "output_flood": "for i in range(200_000):\n    print('all work and no play makes a dull student')\n" + RIGHT["q1"],
}
Q2 = {"right_written_differently": "answer = [(32.0, 32, 16), np.int64(784)]",
      "partly_right": "answer = ((32, 32, 16), 768)",
      "numbers_as_text": "answer = (('32', '32', '16'), '784')"}
Q2["forges_another_exercises_record"] = "answer = ..."
Q3 = {"right_written_differently": "horizontal_edges = [[1, 1, 1], [0, 0, 0], [-1, -1, -1]]",
      "partly_right": "horizontal_edges = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])"}


def _answer_cell(nb, name):
    return next(c for c in nb.cells if engine.exercise_mark(c) == name)


def write_class(folder: Path) -> None:
    """One folder per student, each with what the student handed in."""
    released = student_version(nbformat.read(NOTEBOOK, as_version=4))
    for row in csv.DictReader(EXPECTED.open()):
        student = row["student"]
        nb = nbformat.from_dict(released)
        if student != "empty_release" and student != "passed_flag_set":
            for name, overrides in (("q1", Q1), ("q2", Q2), ("q3", Q3)):
                _answer_cell(nb, name).source = overrides.get(student, RIGHT[name])
        if student == "passed_flag_set":
            _answer_cell(nb, "q1").source = Q1[student]
        if student == "answer_cell_deleted":
            nb.cells.remove(_answer_cell(nb, "q1"))
        if student == "cells_unmarked_and_moved":
            for name in ("q1", "q2"):
                cell = _answer_cell(nb, name)
                del cell.metadata["nbgrader"]
                nb.cells.remove(cell)
                nb.cells.append(cell)
        if student == "checks_and_targets_edited":
            nb.cells = [c for c in nb.cells if ".check(" not in c.source]
            nb.cells.append(nbformat.v4.new_code_cell("q1.passed = q2.passed = q3.passed = True"))
        home = folder / student / "convolution"
        home.mkdir(parents=True)
        name = "my_work.ipynb" if student == "renamed_notebook" else NOTEBOOK.name
        text = nbformat.writes(nb)
        if student == "truncated_file":
            text = text[: len(text) // 2]
        if student == "links_to_a_system_file":
            (home / name).symlink_to("/etc/passwd")
        elif student != "nothing_handed_in":
            (home / name).write_text(text)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.executes  # runs answers in the sandbox: make test, not make check
@pytest.mark.concerns("02_convolution_by_hand")
@pytest.mark.usefixtures("sandbox")
def test_a_synthetic_class_gets_exactly_the_expected_grades(tmp_path):
    write_class(tmp_path / "submitted")
    readme = _digest(ROOT / "README.md")
    out = tmp_path / "grades"
    assert grade_main(["02", str(tmp_path / "submitted"), "--out", str(out), "--seed", "3", "--time-scale", "0.25"]) == 0
    got = {row["student"]: row for row in csv.DictReader((out / "grades.csv").open())}
    expected = list(csv.DictReader(EXPECTED.open()))
    assert len(expected) >= 20 and set(got) == {row["student"] for row in expected}
    wrong = {}
    for row in expected:
        page = (out / "feedback" / f"{row['student']}.html").read_text()
        marks = {k: got[row["student"]][k] for k in ("q1", "q2", "q3", "total")}
        if marks != {k: row[k] for k in marks} or (row["reason"] and row["reason"] not in page.replace("&#x27;", "'")):
            wrong[row["student"]] = (marks, row["reason"])
    assert not wrong, wrong
    assert _digest(ROOT / "README.md") == readme and (ROOT / "course_utils" / "by_hand.py").exists()
    import matplotlib.pyplot as plt

    assert not plt.get_fignums(), "grading left a pyplot figure open"
    summary = (out / "summary.md").read_text()
    assert "| q1 | 4 |" in summary and (out / "summary.png").stat().st_size > 5000
    for page in (out / "feedback").iterdir():  # the feedback never shows the hidden tests' code or inputs
        text = page.read_text()
        assert "def _" not in text and "probes" not in text and "rng." not in text


def _graded(notebook: str, answers: dict[str, str], tmp_path: Path, seed: int = 5):
    """Grade one submission: the released student notebook with ``answers`` in its answer cells."""
    path = engine.instructor_notebook(notebook)
    tmp_path.mkdir(parents=True, exist_ok=True)
    nb = student_version(nbformat.read(path, as_version=4))
    for name, source in answers.items():
        _answer_cell(nb, name).source = source
    nbformat.write(nb, tmp_path / path.name)
    grader = engine.Grader(notebook, seed=seed)
    try:
        graded = {e.name: e for e in grader.grade("student", tmp_path / path.name).exercises}
    finally:
        grader.close()
    reference = grader.reference_result  # as every Grader makes sure before it grades anyone
    assert reference.earned == reference.points > 0 and not any(e.notes or e.reason for e in reference.exercises)
    return graded


TF_KERAS_LSTM = """import tensorflow as tf

def stacked_lstm(window, n_features, units=32):
    return tf.keras.Sequential([tf.keras.Input((window, n_features)), tf.keras.layers.LSTM(units, return_sequences=True),
                                tf.keras.layers.LSTM(units), tf.keras.layers.Dense(1)])"""


@pytest.mark.executes
@pytest.mark.parametrize("notebook", [pytest.param(n, marks=[pytest.mark.concerns(engine.instructor_notebook(n).stem),
                                                             pytest.mark.xdist_group(f"grading {n}")])  # own unit each
                                      for n in hidden.graded_notebooks() if n not in ("00", "01", "03")])  # own tests
@pytest.mark.usefixtures("sandbox")
def test_every_reference_solution_gets_full_points_and_a_typical_mistake_loses_some(notebook, tmp_path):
    """The grader grades the instructor notebook first, as a submission, and refuses to start unless it earns full
    points (each reference solution also passes its public check: nbval compares the check cell's "Correct!").
    The mistake is grading.synthetic's (the one the grading benchmark hands in), in the notebook's first exercise."""
    answers = {"q1": grading.synthetic.MISTAKES[notebook]["q1"]}  # the others left unanswered: quick to grade
    own_imports = {"04": "q2"}.get(notebook)  # an answer that imports TensorFlow itself, the notebook does not
    if own_imports:
        answers[own_imports] = TF_KERAS_LSTM
    first, *others = _graded(notebook, answers, tmp_path, seed=11).values()
    assert first.earned < first.points and (first.reason or any(t.reason for t in first.tests))
    for exercise in others:
        if exercise.name == own_imports:
            assert exercise.earned == exercise.points, (exercise.reason, exercise.notes, exercise.tests)
        else:
            assert exercise.earned == 0 and "not answered" in exercise.reason, (exercise.name, exercise.reason)


@pytest.mark.executes  # runs answers in the sandbox: make test, not make check
@pytest.mark.concerns("00_welcome", "01_image_basics")
@pytest.mark.usefixtures("sandbox")
def test_the_warm_up_exercises_lose_exactly_the_points_of_their_mistakes(tmp_path):
    welcome = _graded("00", {"q1": "middle = np.eye(3)", "q2": "my_profile = 'full'"}, tmp_path / "00")
    assert (welcome["q1"].earned, welcome["q2"].earned) == (1, 0)
    assert "0 everywhere else" in welcome["q1"].tests[1].description and "read the name from `profile`" in welcome["q2"].tests[0].reason
    basics = _graded("01", {"q1": "photo_float = photo // 255", "q2": "n_inputs, n_weights = 784, 784 * 128",
                            "q3": "shift_right = np.array([[0, 0, 0], [0, 0, 1], [0, 0, 0]])"}, tmp_path / "01")
    assert [basics[q].earned for q in ("q1", "q2", "q3")] == [0, 1, 0]
    assert "still whole numbers" in basics["q1"].tests[0].reason and "to the left" in basics["q3"].tests[0].reason
    typed = _graded("01", {"q1": "photo_float = np.zeros((6, 6, 3))"}, tmp_path / "typed")
    assert typed["q1"].earned <= 1  # an answer that ignores `photo` fails on the photo drawn for grading


def test_hidden_inputs_are_new_each_run_unless_seeded():
    task = hidden.load("02").TASKS[0]
    draw = lambda seed: json.dumps(task.probes(np.random.default_rng(seed)))  # noqa: E731
    assert draw(1) == draw(1) and draw(1) != draw(2)


@pytest.mark.parametrize("source, refused", [
    ("def f(a, b):\n    return by_hand.correlate2d(a, b)", "uses course_utils.by_hand.correlate2d"),
    ("from scipy.signal import correlate2d as c", "uses scipy.signal.correlate2d"),
    ("import importlib", "`importlib`"),
    ("def f(a, b):\n    return f.__globals__", "`__globals__`"),
    ("import sys\nx = sys.modules", "`sys.modules`"),
    ("try:\n    1 / 0\nexcept Exception as e:\n    x = e.__traceback__.tb_frame.f_back.f_locals", "`__traceback__`"),
    ("import threading", "`threading`"),
    ("def f(a, b):\n    return a.sum()  # correlate2d in a comment is fine", None),
    ("model.compile(optimizer='adam')\ndef correlate2d(a, b):\n    return a", None),
])
def test_an_answer_that_is_not_the_students_own_work_is_refused_before_it_runs(source, refused):
    task = hidden.load("02").TASKS[0]
    why = engine.refused_statically(source, task)
    assert (why is None) if refused is None else (refused in why), why


def test_answers_are_found_by_their_mark_then_by_the_names_they_define():
    task = hidden.load("02").TASKS[0]
    marked = nbformat.v4.new_code_cell("def my_correlate(a, b):\n    return 1", metadata={"nbgrader": {"grade_id": "q1"}})
    loose = nbformat.v4.new_code_cell("%timeit 1\ndef my_correlate(a, b):\n    return 2")
    nb = nbformat.v4.new_notebook(cells=[marked, loose])
    assert engine.find_answer(nb, task) == (marked.source, None)
    nb.cells = [loose]
    source, note = engine.find_answer(nb, task)
    assert source.startswith("# %timeit") and "was not found" in note
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    assert engine.find_answer(nb, task) == (None, None)


def test_grading_refuses_to_start_without_a_sandbox_and_says_what_to_do(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "bwrap" else f"/usr/bin/{name}")
    assert grade_main(["02", str(tmp_path)]) == 2
    assert "apt-get install bubblewrap" in capsys.readouterr().err


@pytest.mark.executes  # runs an answer in the sandbox: make test, not make check
@pytest.mark.concerns("04_time_series_lstm")
@pytest.mark.usefixtures("sandbox")
def test_a_forbidden_function_of_a_module_first_imported_by_the_answer_is_refused(tmp_path):
    """The runner arms the tripwire of a module when it is imported (importing every such module up front would start
    TensorFlow in every exercise): course_utils.timeseries is first imported by this answer, then reached by getattr."""
    assert "course_utils.timeseries" not in subprocess.run(
        [sys.executable, "-c", "import sys, course_utils.exercises, grading.runner, grading.hidden.nb04; print(*sys.modules)"],
        capture_output=True, text=True, check=True).stdout.split()
    task = hidden.load("04").TASKS[0]
    source = ("from course_utils import timeseries as helpers\n"
              "def make_windows(values, window, horizon=1, step=1):\n"
              "    return getattr(helpers, 'forecast' + '_windows')(values, window, horizon, step)")
    assert engine.refused_statically(source, task) is None  # only the run can tell
    job = {"hidden": "grading.hidden.nb04", "tripwires": list(task.forbidden), "replay": [], "context": "import numpy as np",
           "answers": [["q1", source]], "probes": {"q1": task.probes(np.random.default_rng(0))}}
    reported, why = grading.sandbox.run_job(job, tmp_path, grading.sandbox.Limits(), {"q1": 30}, [], True)
    record = next(r for r in reported if r.get("exercise") == "q1")
    assert "called course_utils.timeseries.forecast_windows" in record["attempts"], (why, record)


@pytest.mark.parametrize("module", [hidden, grading.sandbox, grading.report, grading.synthetic, grading.collect])
def test_the_graders_examples_run(module):
    found = [t for t in doctest.DocTestFinder().find(module) if t.examples]
    assert found, f"{module.__name__} shows no example"
    for test in found:
        assert doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test).failed == 0, test.name


SAME_PADDING = '''def small_cnn():
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3, padding="same", activation="relu"),
                             layers.MaxPooling2D(2), layers.Conv2D(32, 3, padding="same", activation="relu"),
                             layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(10, activation="softmax")])
my_cnn = small_cnn()
fit_classifier(my_cnn, x_fit, y_fit, epochs, verbose=0)'''
NEVER_TRAINED = '''def small_cnn():
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(2),
                             layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
                             layers.Dense(10, activation="softmax")])
my_cnn = small_cnn()'''


@pytest.mark.executes  # runs answers in the sandbox: make test, not make check
@pytest.mark.concerns("03_mnist_cnn")
@pytest.mark.xdist_group("grading 03")  # a unit of its own, beside the other workers' units
@pytest.mark.usefixtures("sandbox")
def test_the_cnn_exercise_is_graded_on_a_network_the_grader_trains_itself(tmp_path):
    path = engine.instructor_notebook("03")
    released = student_version(nbformat.read(path, as_version=4))
    answers = {"wrong_shapes": {"q1": "flat_size, dense_params = 5 * 5 * 128, 5 * 5 * 128 * 128 + 128",
                                "q2": "def accuracy(probs, labels):\n    return 100 * np.mean(probs.argmax(axis=1) == labels)",
                                "q3": SAME_PADDING},
               "never_trained": {"q3": NEVER_TRAINED}}
    for student, cells in answers.items():
        nb = nbformat.from_dict(released)
        for name, source in cells.items():
            _answer_cell(nb, name).source = source
        (tmp_path / student).mkdir()
        nbformat.write(nb, tmp_path / student / path.name)
    grader = engine.Grader("03", seed=2)
    try:
        wrong = {e.name: e for e in grader.grade("wrong_shapes", tmp_path / "wrong_shapes").exercises}
        untrained = {e.name: e for e in grader.grade("never_trained", tmp_path / "never_trained").exercises}
    finally:
        grader.close()
    assert grader.reference_result.earned == grader.reference_result.points == 11
    assert (wrong["q1"].earned, wrong["q2"].earned) == (0, 0) and "a percentage" in wrong["q2"].tests[0].reason
    layers_test, activations, grader_trained, mine = wrong["q3"].tests
    assert layers_test.earned == 0 and "outputs (None, 28, 28, 16)" in layers_test.reason
    assert activations.earned == 1  # right activations
    # its own training took place, so my_cnn is judged on its accuracy; whether a network of other shapes, trained for 2
    # epochs, comes within 3 points of the reference's varies from run to run (55 % against 60 % seen in CI once)
    assert mine.earned == 1 or (mine.reason or "").startswith("my_cnn reaches"), mine
    assert [t.earned for t in untrained["q3"].tests] == [2, 1, 2, 0], untrained["q3"].tests
    assert "never taken a training step" in untrained["q3"].tests[3].reason
