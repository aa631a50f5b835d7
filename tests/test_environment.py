"""environment.yml (the JupyterHub image) pins exactly what pyproject.toml pins, and nbgrader stays out of JupyterLab."""
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_environment_pins_match_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pinned = {line.split("#")[0].strip() for line in pip} - {"."}
    expected = set(project["dependencies"]) | set(project["optional-dependencies"]["gpu"])
    assert pinned == expected, f"only in environment.yml: {pinned - expected}; only in pyproject.toml: {expected - pinned}"
    assert any(str(d).startswith("python=3.11") for d in env["dependencies"])
    assert "." in {line.split("#")[0].strip() for line in pip}, "the image must install course_utils itself"


def test_cpu_and_gpu_extras_pin_the_same_tensorflow():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert extras["cpu"] == ["tensorflow-cpu==2.21.*"] and extras["gpu"] == ["tensorflow[and-cuda]==2.21.*"]


@pytest.mark.executes  # starts `jupyter`: make test, not make check
def test_no_jupyterlab_this_environment_serves_shows_nbgrader():
    """make setup installs nbgrader (the dev extra: its command line, for a test) with its JupyterLab menu and
    server extensions turned off, so neither `make lab` nor a hub's student server shows instructor tools."""
    import subprocess
    import sys

    pytest.importorskip("nbgrader")
    jupyter = Path(sys.executable).parent / "jupyter"
    listed = lambda *what: subprocess.run([str(jupyter), *what, "list"], capture_output=True, text=True,  # noqa: E731
                                          check=True, env={"NO_COLOR": "1", "PATH": str(jupyter.parent)})
    lab = listed("labextension")
    lines = [line for line in (lab.stdout + lab.stderr).splitlines() if "@jupyter/nbgrader v" in line]
    assert lines and all("disabled" in line for line in lines), lines
    server = listed("server", "extension")
    lines = [line for line in (server.stdout + server.stderr).splitlines()
             if "nbgrader.server_extensions." in line and "abled" in line]
    assert len(lines) == 4 and all("disabled" in line for line in lines), lines
