"""The suite's own machinery (conftest.py at the root): which tests `make test NB=..` and `make check` keep, and that
`make check` refuses a test that starts a kernel without saying so."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("suite_conftest", ROOT / "conftest.py")
suite = importlib.util.module_from_spec(spec)
spec.loader.exec_module(suite)


def collected(*args: str) -> list[str]:
    """The node ids ``pytest --collect-only`` keeps with ``args``, from the repository root."""
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=300, env=dict(os.environ, COURSE_PROFILE="ci"))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_a_notebook_or_deck_is_found_by_number_name_or_path():
    assert suite.resolve("6").name == suite.resolve("06").name == suite.resolve("vae").name == "06_vae.ipynb"
    assert suite.resolve("slides/01").name == suite.resolve("01_cnns").name == "01_cnns.ipynb"
    assert suite.resolve("notebooks/10_text_generation.ipynb").name == "10_text_generation.ipynb"
    with pytest.raises(pytest.UsageError, match="none matches"):
        suite.resolve("99")
    with pytest.raises(pytest.UsageError, match="several match"):
        suite.resolve("models")  # 02_sequence_models and 03_generative_models


def test_one_notebooks_tests_are_its_cells_its_student_version_exercises_lessons_and_numbers():
    kept = collected("--nb", "06")
    assert any(n.startswith("notebooks/06_vae.ipynb::Cell") for n in kept)
    assert "tests/test_release.py::test_released_student_notebook_runs_to_the_end[06_vae.ipynb]" in kept
    assert any("exercise q2 of notebook 06" in n for n in kept)  # an unanswered check
    assert any(n.startswith("tests/test_exercises.py::test_wrong_answers") and "keras.ops" in n for n in kept)  # q2's
    assert "tests/test_lessons.py::test_every_lesson_module_is_exported_from_its_notebook_unchanged" in kept
    assert "tests/test_lessons.py::test_each_checkpoint_is_the_architecture_its_notebook_builds[vae_decoder]" in kept
    assert "tests/test_measured_numbers.py::test_every_header_and_readme_give_the_measured_run_times[06_vae.ipynb]" in kept
    assert not any("05_autoencoders" in n or "notebooks/07" in n or "test_hub" in n for n in kept)


def test_the_quick_check_runs_no_notebook_and_nothing_marked_heavy():
    kept = collected("--check", "tests")
    assert len(kept) > 300 and "tests/test_suite.py::test_the_quick_check_runs_no_notebook_and_nothing_marked_heavy" in kept
    heavy = ("test_hub.py", "test_browser.py", "test_decks.py", "runs_to_the_end", "test_two_workers", "notebook_03_on")
    assert not [n for n in kept if ".ipynb::Cell" in n or any(h in n for h in heavy)]


def test_the_quick_check_refuses_a_test_that_starts_a_kernel_unmarked(tmp_path):
    test = tmp_path / "test_sneaky.py"
    test.write_text("from jupyter_client.manager import start_new_kernel\n\n"
                    "def test_starts_a_kernel():\n    start_new_kernel(kernel_name='python3')\n\n"
                    "def test_starts_chromium():\n    import subprocess\n    subprocess.run(['/usr/bin/chromium', '--version'])\n")
    # the repository's conftest.py as a plugin: the file lies outside the repository, where pytest would not look
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "--check", "-q", "-p", "no:cacheprovider",
                           str(test)],
                          cwd=ROOT, text=True, capture_output=True, timeout=300, env=dict(os.environ, COURSE_PROFILE="ci"))
    assert done.returncode == 1 and "2 failed" in done.stdout, done.stdout[-3000:]
    assert "make check starts no kernel: mark this test `executes`" in done.stdout
    assert "make check starts no chromium process" in done.stdout
