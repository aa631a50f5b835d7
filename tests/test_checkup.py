"""course_utils.checkup: the environment check of notebook 00 says what is wrong and what to do."""

import pytest

from course_utils import checkup, data

from test_data import make_tiny, read_tiny


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    for name in ("COURSE_DATA_DIR", "COURSE_OFFLINE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def register(monkeypatch, sha, *, url=None, fallback=None):
    entry = data.Dataset(name="tiny", description="test set", source="tests", licence="CC0",
                         files=(data.DataFile("tiny.npz", sha, url),), read=read_tiny, fallback=fallback)
    monkeypatch.setitem(data.REGISTRY, "tiny", entry)


def test_python_versions():
    assert checkup.python_version((3, 11, 7)) == checkup.Finding("ok", "Python", "3.11.7")
    assert "tested on 3.11" in checkup.python_version((3, 12, 1)).message
    too_old = checkup.python_version((3, 9, 18))
    assert too_old.level == "fix" and "3.10 to 3.13" in too_old.message


def test_a_package_outside_its_pin_says_what_to_run():
    installed = checkup.package("numpy==2.4.*")
    assert installed.level == "ok" and "2.4." in installed.message
    wrong = checkup.package("numpy==1.26.*")
    assert wrong.level == "fix" and "the course needs ==1.26.*" in wrong.message and "make setup" in wrong.message
    assert checkup.package("surely-not-installed==1.0").message.startswith("not installed")


def test_this_environment_has_every_pin_it_asks_for():
    findings = checkup.packages()
    assert {f.topic for f in findings} >= {"keras", "numpy", "jupyterlab-rise"}
    assert any(f.topic.startswith("tensorflow") for f in findings)
    assert [f for f in findings if f.level != "ok"] == []


def test_datasets_found_missing_with_a_stand_in_or_corrupt(isolated, monkeypatch):
    source, sha = make_tiny(isolated / "shared" / "tiny")
    register(monkeypatch, sha)
    monkeypatch.setenv("COURSE_DATA_DIR", str(isolated / "shared"))
    assert checkup.dataset("tiny") == checkup.Finding("ok", "tiny", f"found in {source.parent}")

    monkeypatch.delenv("COURSE_DATA_DIR")
    register(monkeypatch, sha, url="https://example.invalid/tiny.npz", fallback="mnist_5k")
    missing = checkup.dataset("tiny")
    assert missing.level == "note" and "use mnist_5k" in missing.message and "fetch tiny" in missing.message
    assert not (isolated / "cache" / "tiny").exists(), "the check never downloads"

    register(monkeypatch, "0" * 64)
    monkeypatch.setenv("COURSE_DATA_DIR", str(isolated / "shared"))
    with pytest.warns(UserWarning, match="corrupt"):
        corrupt = checkup.dataset("tiny")
    assert corrupt.level == "fix" and "corrupt" in corrupt.message and str(source) in corrupt.message


def test_a_dataset_found_as_another_copy_of_the_same_data_is_ok(isolated, monkeypatch):
    """MNIST as Keras' mnist.npz counts as MNIST found; the copy is not listed as a dataset of its own."""
    import dataclasses

    source, sha = make_tiny(isolated / "shared" / "mnist")
    (source.parent / "mnist.npz").write_bytes(source.read_bytes())
    monkeypatch.setitem(data.REGISTRY, "mnist_keras", dataclasses.replace(
        data.REGISTRY["mnist_keras"], files=(data.DataFile("mnist.npz", sha),)))
    monkeypatch.setenv("COURSE_DATA_DIR", str(isolated / "shared"))
    assert checkup.dataset("mnist") == checkup.Finding("ok", "mnist", f"found in {source.parent}")
    assert "mnist_keras" not in {f.topic for f in checkup.datasets()}


def test_cache_that_cannot_be_written_names_the_fix(isolated, monkeypatch):
    assert checkup.cache().level == "ok"
    (isolated / "a_file").write_text("")
    monkeypatch.setenv("COURSE_CACHE_DIR", str(isolated / "a_file" / "cache"))
    unwritable = checkup.cache()
    assert unwritable.level == "fix" and "COURSE_CACHE_DIR" in unwritable.message


def test_shared_folder(isolated, monkeypatch):
    assert checkup.shared_folder() is None
    monkeypatch.setenv("COURSE_DATA_DIR", str(isolated / "nowhere"))
    assert checkup.shared_folder().level == "fix"
    monkeypatch.setenv("COURSE_DATA_DIR", str(isolated))
    assert checkup.shared_folder().level == "ok"


def test_run_prints_a_verdict(capsys):
    findings = checkup.run()
    out = capsys.readouterr().out
    assert all(f.level in checkup.LEVELS for f in findings) and len(out.splitlines()) == len(findings) + 2
    assert ("All set" in out) == (not any(f.level == "fix" for f in findings))
