"""environment.yml (the JupyterHub image) pins exactly what pyproject.toml pins."""
import tomllib
from pathlib import Path

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
