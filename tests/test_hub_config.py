"""The course's hub configuration: what hub/jupyterhub_config.py gives every student, and that the Zero to JupyterHub
values in hub/z2jh-values.yaml say the same. (tests/test_hub.py runs the configuration on a real hub.)"""
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml
from traitlets.config.loader import PyFileConfigLoader

HUB = Path(__file__).resolve().parent.parent / "hub"


def course_config(monkeypatch, **settings):
    """hub/jupyterhub_config.py loaded as JupyterHub loads it, with these COURSE_* variables in the hub's environment."""
    for name in ("COURSE_DATA_DIR", "COURSE_PROFILE", "COURSE_START_PAGE", "COURSE_REPO", "COURSE_REPO_BRANCH",
                 "COURSE_REPO_START", "COURSE_MEM_LIMIT", "COURSE_CPU_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(HUB)).load_config()


def environment(config) -> dict:
    """The spawner's environment (set with .update, so traitlets keeps it as a pending update until a hub applies it)."""
    value = config.Spawner.environment
    return value.get_value({}) if hasattr(value, "get_value") else dict(value)


def test_every_student_gets_the_shared_data_notebook_00_and_limits_by_default(monkeypatch):
    config = course_config(monkeypatch)
    assert environment(config) == {"COURSE_DATA_DIR": "/srv/course-data", "TF_CPP_MIN_LOG_LEVEL": "2"}
    assert config.Spawner.default_url == "/lab/tree/notebooks/00_welcome.ipynb"
    assert config.Spawner.mem_limit == "4G" and config.Spawner.cpu_limit == 2.0
    assert config.Spawner.start_timeout >= 120


def test_the_hubs_environment_variables_change_the_settings(monkeypatch):
    config = course_config(monkeypatch, COURSE_DATA_DIR="/mnt/data", COURSE_PROFILE="lite", COURSE_MEM_LIMIT="8G",
                           COURSE_CPU_LIMIT="4")
    assert environment(config) == {"COURSE_DATA_DIR": "/mnt/data", "COURSE_PROFILE": "lite", "TF_CPP_MIN_LOG_LEVEL": "2"}
    assert config.Spawner.mem_limit == "8G" and config.Spawner.cpu_limit == 4.0


def test_a_course_repository_makes_the_start_page_an_nbgitpuller_pull(monkeypatch):
    config = course_config(monkeypatch, COURSE_REPO="https://github.com/example/course", COURSE_REPO_START="00_welcome.ipynb")
    url = urlsplit(config.Spawner.default_url)
    assert url.path == "/git-pull"
    assert parse_qs(url.query) == {"repo": ["https://github.com/example/course"], "branch": ["main"],
                                   "targetpath": ["course"], "urlpath": ["lab/tree/course/00_welcome.ipynb"]}


def test_the_kubernetes_values_say_what_the_python_configuration_says(monkeypatch):
    config = course_config(monkeypatch)
    values = yaml.safe_load((HUB / "z2jh-values.yaml").read_text())["singleuser"]
    assert values["defaultUrl"] == config.Spawner.default_url
    assert values["extraEnv"] == environment(config)
    assert values["memory"]["limit"] == config.Spawner.mem_limit and values["cpu"]["limit"] == config.Spawner.cpu_limit
    assert values["startTimeout"] == config.Spawner.start_timeout
    mount = values["storage"]["extraVolumeMounts"][0]
    assert mount["mountPath"] == environment(config)["COURSE_DATA_DIR"] and mount["readOnly"] is True


def test_make_hub_hands_out_the_student_version_unless_told_otherwise(tmp_path):
    from tools.hub import ROOT, handout

    student = handout(None, "student", tmp_path)
    assert sorted(p.name for p in student.glob("*.ipynb")) == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert all("### BEGIN SOLUTION" not in p.read_text() for p in student.glob("*.ipynb"))
    graded = handout(None, "graded", tmp_path)
    assert graded == tmp_path / "handout" / "graded" / "notebooks" and all(
        "solution()" not in p.read_text() for p in graded.glob("*.ipynb"))
    assert handout(None, "instructor", tmp_path) == ROOT / "notebooks"
    assert handout("somewhere/else", "student", tmp_path) == Path("somewhere/else")
