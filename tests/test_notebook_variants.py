"""Notebook 03 runs on Fashion-MNIST by changing one parameter, and its checked cells still hold."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
MARK = "NBVAL_CHECK_OUTPUT"


def checked_texts(nb):
    return ["".join(o.get("text", "") for o in c.outputs) for c in nb.cells if c.cell_type == "code" and MARK in c.source]


@pytest.mark.skipif(not Path("/usr/share/datasets/fashion-mnist").is_dir(),
                    reason="needs Debian's dataset-fashion-mnist (.ci/run installs it)")
@pytest.mark.executes
@pytest.mark.concerns("03_mnist_cnn")
def test_notebook_03_on_fashion_mnist(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "ci")
    path = ROOT / "notebooks" / "03_mnist_cnn.ipynb"
    stored = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    (parameters,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert 'dataset = "mnist"' in parameters.source
    parameters.source = parameters.source.replace('dataset = "mnist"', 'dataset = "fashion_mnist"')
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "fashion_mnist: 54000 training" not in outputs  # ci uses a subset
    assert "fashion_mnist: 1800 training, 200 validation, 10000 test images" in outputs
    assert checked_texts(nb) == checked_texts(stored)
