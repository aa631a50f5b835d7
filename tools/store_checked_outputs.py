"""Execute notebooks and keep only the outputs that nbval checks.

Cells whose source contains ``# NBVAL_CHECK_OUTPUT`` keep their outputs (and get the
``keep_output`` metadata nbstripout honours); every other output and every execution count
is removed. Run it through ``make outputs`` after changing a notebook.

    python tools/store_checked_outputs.py notebooks/02_convolution_by_hand.ipynb
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("COURSE_PROFILE", "ci")  # checked outputs are validated under the ci profile
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import nbformat
from nbclient import NotebookClient

MARK = "NBVAL_CHECK_OUTPUT"


def store(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # nbclient's timestamps
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        checked = MARK in cell.source
        if checked:
            cell.metadata["keep_output"] = True
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = None
        else:
            cell.metadata.pop("keep_output", None)
            cell.outputs = []
    nb.metadata.pop("widgets", None)  # saved widget state embeds rendered images
    nb.metadata["language_info"] = {"name": "python"}  # no interpreter version that changes per machine
    nbformat.write(nb, path)
    print(f"stored checked outputs of {path}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        store(Path(arg))
