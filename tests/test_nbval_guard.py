"""A changed checked number fails the notebook test: nbval with the repository's conftest compares every
`# NBVAL_CHECK_OUTPUT` cell's stored output, although the notebooks keep no execution counts."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
MARK = "NBVAL_CHECK_OUTPUT"


def bump_first_digit(text: str) -> str:
    return re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), text, count=1)


def test_notebook_02_checks_the_worked_examples():
    nb = nbformat.read(ROOT / "notebooks" / "02_convolution_by_hand.ipynb", as_version=4)
    checked = [c for c in nb.cells if c.cell_type == "code" and MARK in c.source
               and any(re.search(r"\d", o.get("text", "") + o.get("data", {}).get("text/plain", "")) for o in c.outputs)]
    assert len(checked) >= 15, "notebook 02 should hold the worked examples in checked cells with stored numbers"


def checked_cell(source: str, output: str) -> nbformat.NotebookNode:
    """A checked cell as the repository stores it: its output kept, no execution count."""
    cell = nbformat.v4.new_code_cell(f"# {MARK}\n{source}")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
    cell.metadata["keep_output"] = True
    return cell


def run_nbval(notebook: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COURSE_PROFILE": "ci", "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
                           "-q", str(notebook)], capture_output=True, text=True, cwd=notebook.parent, env=env, timeout=300)


@pytest.mark.executes
def test_every_changed_checked_number_fails_nbval(tmp_path):
    """The same conftest the notebooks run under; a small notebook, so that no course notebook runs twice."""
    shutil.copy(ROOT / "tools" / "nbval_conftest.py", tmp_path / "conftest.py")
    cells = [nbformat.v4.new_code_cell("import numpy as np\nfrom course_utils import by_hand"),
             checked_cell("print(by_hand.output_size(7, 3, stride=2))", "3\n"),
             checked_cell("print(by_hand.conv_params(5, 3, 10))", "760\n"),
             checked_cell("print(by_hand.pool2d(np.arange(16).reshape(4, 4), 2, 2))", "[[ 5  7]\n [13 15]]\n"),
             nbformat.v4.new_code_cell("print('unchecked cells may print anything')")]
    for cell in cells[2:4]:  # the first checked cell keeps its true output: it must still pass
        cell.outputs[0].text = bump_first_digit(cell.outputs[0].text)
    notebook = tmp_path / "checked.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    result = run_nbval(notebook)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "2 failed, 3 passed" in result.stdout, result.stdout[-3000:]
    assert "Cell 2 " in result.stdout and "Cell 3 " in result.stdout and "Cell 1 " not in result.stdout.split("short test summary")[-1]
