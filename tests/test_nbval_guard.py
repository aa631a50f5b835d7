"""Changing any checked number in notebook 02's stored outputs makes the notebook test fail."""
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
MARK = "NBVAL_CHECK_OUTPUT"


def bump_first_digit(text: str) -> str:
    return re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), text, count=1)


def test_every_changed_checked_number_fails_nbval(tmp_path):
    nb = nbformat.read(ROOT / "notebooks" / "02_convolution_by_hand.ipynb", as_version=4)
    changed = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or MARK not in cell.source:
            continue
        cell.execution_count = 1  # what the repo's conftest.py does at collection, for this standalone run
        for output in cell.outputs:
            if output.output_type == "stream" and re.search(r"\d", output.text):
                output.text = bump_first_digit(output.text)
                changed += 1
                break
            if output.output_type == "execute_result" and re.search(r"\d", output.data.get("text/plain", "")):
                output.data["text/plain"] = bump_first_digit(output.data["text/plain"])
                changed += 1
                break
    assert changed >= 15, "notebook 02 should hold the worked examples in checked cells"
    copy = tmp_path / "02_tampered.ipynb"
    nbformat.write(nb, copy)
    env = {**os.environ, "COURSE_PROFILE": "ci", "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
         "-q", "--rootdir", str(tmp_path), "-c", os.devnull, str(copy)],
        capture_output=True, text=True, cwd=ROOT / "notebooks", env=env, timeout=600)
    assert result.returncode == 1, result.stdout[-3000:]
    failed = int(re.search(r"(\d+) failed", result.stdout).group(1))
    assert failed == changed, result.stdout[-3000:]
