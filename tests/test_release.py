"""`make release`: student notebooks carry no solution code and no outputs; instructor notebooks run."""
import ast
import os
import re
import shutil
import subprocess
import sys
import zipfile
from difflib import SequenceMatcher
from pathlib import Path

import nbformat
import pytest

from course_utils.exercises import regions
from course_utils.exercises.solutions import SOLUTIONS
from course_utils.runtime import Profile
from tools import release

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def solution_lines(nb):
    """Lines written inside solution regions that appear nowhere else in the notebook."""
    inside, outside = set(), set()
    for cell in nb.cells:
        for region_or_not, part in enumerate(re.split(r"### (?:BEGIN|END) SOLUTION", cell.source)):
            lines = {line.strip() for line in part.splitlines() if line.strip() and not line.strip().startswith("#")}
            (inside if region_or_not % 2 else outside).update(lines)
    return inside - outside


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    subprocess.run([sys.executable, "tools/release.py", "--out", str(out)], cwd=ROOT, check=True,
                   capture_output=True)
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_version_has_stubs_and_no_solution_code_or_outputs(released, path):
    instructor = nbformat.read(path, as_version=4)
    student = nbformat.read(released / "student" / path.name, as_version=4)
    assert [c.cell_type for c in student.cells] == [c.cell_type for c in instructor.cells]
    text = "\n".join(c.source for c in student.cells)
    assert "SOLUTION" not in text
    signatures = {line for line in solution_lines(instructor) if re.fullmatch(r"def \w+\(.*\):", line)}  # kept on purpose
    leaked = {line for line in solution_lines(instructor) - signatures if line in {s.strip() for s in text.splitlines()}}
    assert not leaked, f"solution code in the student version: {leaked}"
    stubs = re.findall(r"^# Exercise (q\d+): your answer goes here\..*(q\d+)\.hint\(\)", text, re.M)
    assert [a for a, _ in stubs] == [f"q{k}" for k in range(1, len(stubs) + 1)] and all(a == b for a, b in stubs)
    assert len(stubs) == sum("### BEGIN SOLUTION" in c.source for c in instructor.cells) >= 2
    assert "NBVAL" not in text, "the tests' marks are not for students"
    for cell in (c for c in student.cells if c.cell_type == "code"):
        assert not cell.outputs and cell.execution_count is None
        ast.parse(cell.source)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_instructor_version_is_the_tested_notebook(released, path):
    assert (released / "instructor" / path.name).read_bytes() == path.read_bytes()


def test_the_files_notebooks_read_travel_with_both_versions(released):
    for part in ("student", "instructor"):
        for script in (ROOT / "notebooks" / "scripts").iterdir():
            assert (released / part / "scripts" / script.name).read_bytes() == script.read_bytes()


def test_the_files_notebooks_read_travel_with_the_graded_version(released):
    for script in (ROOT / "notebooks" / "scripts").iterdir():
        assert (released / "graded" / "notebooks" / "scripts" / script.name).read_bytes() == script.read_bytes()


CODE_RUN = 20  # characters (spaces aside) in a row that a graded hint may not share with its solution


def shared_code(text: str, solution: str) -> str:
    """The longest run of characters, spaces ignored, that ``text`` shares with ``solution``."""
    a, b = re.sub(r"\s+", "", text), re.sub(r"\s+", "", solution)
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return a[match.a:match.a + match.size]


def hints_in(source: str) -> dict[str, str]:
    """The hint of each exercise (qN = Exercise(..., hint=...)) in an exercise module's source."""
    return {node.targets[0].id: ast.literal_eval(next(k.value for k in node.value.keywords if k.arg == "hint"))
            for node in ast.parse(source).body
            if isinstance(node, ast.Assign) and getattr(getattr(node.value, "func", None), "id", None) == "Exercise"}


def test_the_graded_package_has_no_solutions_no_hint_with_code_and_no_hidden_tests(released):
    wheel = zipfile.ZipFile(next((released / "graded").glob("course_utils-*-py3-none-any.whl")))
    names = wheel.namelist()
    assert not [n for n in names if not n.startswith(("course_utils/", "course_utils-"))], "only the package travels"
    shipped = {}
    exec(wheel.read("course_utils/exercises/solutions.py"), shipped)
    assert shipped["SOLUTIONS"] == {}
    for notebook, solutions in SOLUTIONS.items():
        hints = hints_in(wheel.read(f"course_utils/exercises/nb{notebook}.py").decode())
        assert hints.keys() == solutions.keys()
        for name, solution in solutions.items():
            assert len(shared_code(hints[name], solution)) < CODE_RUN, (
                f"the graded hint of {notebook} {name} holds code of its solution: {shared_code(hints[name], solution)!r}; "
                "write one in words in course_utils/exercises/graded_hints.py")
    repository = {n: (ROOT / n).read_bytes() for n in names if n.startswith("course_utils/")}
    changed = {n for n, data in repository.items() if wheel.read(n) != data}
    assert changed == {"course_utils/exercises/solutions.py"} | {f"course_utils/exercises/nb{nb}.py" for nb in
                                                                release.GRADED_HINTS}
    assert sorted(repository) == sorted(str(p.relative_to(ROOT)) for p in (ROOT / "course_utils").rglob("*")
                                        if p.is_file() and "__pycache__" not in p.parts)


def test_the_graded_package_installs_and_its_exercises_say_there_is_no_solution(released, tmp_path):
    wheel = next((released / "graded").glob("course_utils-*-py3-none-any.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
                    str(tmp_path / "site"), str(wheel)], check=True)
    shown = subprocess.run([sys.executable, "-c", "import course_utils.exercises.nb10 as nb; print(nb.__file__); "
                            "nb.q3.solution(); nb.q3.hint(); nb.q3.check(lambda logits, t: logits)"],
                           cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
                           capture_output=True, text=True, check=True).stdout
    assert shown.startswith(str(tmp_path / "site"))
    assert "shows no solutions" in shown and "Divide the logits by the temperature" in shown and "Not quite" in shown


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_graded_notebook_is_the_student_version_without_solutions_offered(released, path):
    graded = nbformat.read(released / "graded" / "notebooks" / path.name, as_version=4)
    student = nbformat.read(released / "student" / path.name, as_version=4)
    assert [c.cell_type for c in graded.cells] == [c.cell_type for c in student.cells]
    text = "\n".join(c.source for c in graded.cells)
    assert "solution()" not in text and "SOLUTION" not in text
    hints = re.findall(r"^# (q\d+)\.hint\(\)", text, re.M)
    assert hints and hints == re.findall(r"^# (q\d+)\.hint\(\)", "\n".join(c.source for c in student.cells), re.M)


def test_a_stub_binds_the_solutions_names_and_the_check_stays():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\ndef f(x):\n    return 2 * x\n\ny = f(1)\n### END SOLUTION"),
        nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nq7.check(f, y)", outputs=[nbformat.v4.new_output("stream", text="Correct!")]),
    ])
    student = release.student_version(nb)
    first, second = (c.source for c in student.cells)
    assert first.startswith("# Exercise q7: your answer goes here") and "return 2 * x" not in first
    namespace = {}
    exec(first, namespace)
    assert namespace["y"] is ... and namespace["f"](1) is None
    assert second == "q7.check(f, y)" and student.cells[1].outputs == []
    assert nb.cells[1].outputs, "the instructor notebook is left as it was"


def test_a_solution_without_a_check_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")])
    with pytest.raises(ValueError, match="no `qN.check"):
        release.student_version(nb)


@pytest.mark.executes
def test_a_released_instructor_notebook_passes_nbval_where_it_lands(tmp_path):
    """The release carries the conftest.py that nbval needs for checked cells without execution counts (a small
    notebook stands in for the course's, so that no course notebook runs twice in the tests)."""
    checked = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(6 * 7)", metadata={"keep_output": True},
                                        outputs=[nbformat.v4.new_output("stream", name="stdout", text="42\n")])
    source = tmp_path / "source" / "99_small.ipynb"
    source.parent.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[checked]), source)
    release.release([source], tmp_path / "out")
    target = tmp_path / "out" / "instructor" / source.name
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                             "--nbval-current-env", str(target)],
                            cwd=target.parent, capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, COURSE_PROFILE="ci"))
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout[-3000:]


def test_nbgrader_generate_assignment_accepts_the_notebooks(tmp_path):
    pytest.importorskip("nbgrader")
    source = tmp_path / "source" / "course"
    source.mkdir(parents=True)
    for path in NOTEBOOKS:
        shutil.copy(path, source)
    (tmp_path / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "dl"\n')
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "course", "--no-db"],
                   cwd=tmp_path, check=True, capture_output=True, timeout=300)
    for path in NOTEBOOKS:
        student = nbformat.read(tmp_path / "release" / "course" / path.name, as_version=4)
        text = "\n".join(c.source for c in student.cells)
        assert "SOLUTION" not in text and "NotImplementedError" in text
        assert not solution_lines(nbformat.read(path, as_version=4)) & {s.strip() for s in text.splitlines()}


# A student notebook runs to the end to show that Run All reaches it: every cell runs and no later cell needs an
# answer. That takes every cell, not the sizes nbval checks numbers with, so each runs with small sizes that
# still run every cell: a cell after its `parameters` cell sets them (papermill's way). Every name must be one that
# the parameters cell sets, to a value of the same type; a notebook not listed runs with the ci profile's sizes.
RUN_ALL_SIZES = {
    "02_convolution_by_hand": {"n_training_images": 32, "training_epochs": 5},
    "03_mnist_cnn": {"n_train": 400, "epochs": 1, "shuffle_epochs": 1, "n_compare": 200},
    "04_time_series_lstm": {"epochs": 1, "patience": 1, "gradient_lengths": [5, 20]},
    "05_autoencoders": {"n_train": 400, "dense_epochs": 1, "conv_epochs": 1, "bottlenecks": [2, 8], "sweep_epochs": 1},
    "06_vae": {"n_train": 400, "epochs": 1, "betas": [0.5, 8.0], "beta_epochs": 1},
    "07_gan": {"n_train": 256, "epochs": 1, "n_judged": 200},
    "08_architectures_and_transfer": {"n_source": 400, "source_epochs": 1, "target_epochs": 2},
    "09_high_performance_training": {"n_train": 128, "feed_epochs": 2, "budget_epochs": 1, "n_mirrored": 128,
                                     "parallel_steps": 2},
    "10_text_generation": {"units": 32, "train_chars": 30_000, "test_chars": 10_000, "epochs": 1, "sample_length": 60},
    "11_attention": {"n_train": 800, "n_test": 200, "units": 16, "epochs": 1},
    "12_activity_recognition": {"epochs": 5},
    "13_cifar10": {"n_train": 200, "n_test": 100, "epochs": 1},
    "14_segmentation": {"n_train_scenes": 64, "epochs": 1, "n_test_digits": 600},
    "15_detection": {"n_train_scenes": 64, "epochs": 1, "n_test_digits": 600},
    "16_cyclegan": {"n_per_domain": 64, "epochs": 1},
}


def with_run_all_sizes(nb, sizes: dict) -> None:
    """Add a cell after ``nb``'s parameters cell that sets ``sizes``; refuse a name the parameters cell does not set
    (a renamed parameter would make the size a variable nobody reads)."""
    (index,) = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    namespace = {"profile": Profile("ci", "the tests")}
    exec(nb.cells[index].source, namespace)
    for name, value in sizes.items():
        assert name in namespace and type(namespace[name]) is type(value), (
            f"RUN_ALL_SIZES sets {name} = {value!r}, which the parameters cell does not set (as a {type(value).__name__})")
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in sizes.items())))


def test_run_all_sizes_name_what_the_parameters_cells_set():
    for stem, sizes in RUN_ALL_SIZES.items():
        with_run_all_sizes(nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4), sizes)
    with pytest.raises(AssertionError, match="does not set"):
        with_run_all_sizes(nbformat.read(NOTEBOOKS[3], as_version=4), {"n_trian": 400})


@pytest.mark.executes
@pytest.mark.parametrize("path", [pytest.param(p, id=p.name, marks=pytest.mark.xdist_group(f"student {p.stem}"))
                                  for p in NOTEBOOKS])  # each its own unit: they run side by side
def test_released_student_notebook_runs_to_the_end(released, path):
    """Run All on a student notebook with no exercise answered: every cell runs, and each check says so."""
    from nbclient import NotebookClient

    nb = nbformat.read(released / "student" / path.name, as_version=4)
    with_run_all_sizes(nb, RUN_ALL_SIZES.get(path.stem, {}))
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(released / "student")}},
                   ).execute()  # raises CellExecutionError, naming the cell, when a cell fails
    checks = [c for c in nb.cells if c.cell_type == "code" and regions.CHECK.search(c.source)]
    said = ["".join(o.get("text", "") for o in c.outputs) for c in checks]
    assert checks and all("not answered yet" in s for s in said), said
