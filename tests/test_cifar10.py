"""CIFAR-10 in the data layer: the original archive's format, a resumable download from a real HTTP server on
127.0.0.1, and the 20 real images of foolbox's wheel where the archive cannot be had."""
import dataclasses
import io
import os
import pickle
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from course_utils import data

from test_data import env, offline  # noqa: F401 (env is a fixture)


def cifar_archive(folder: Path, per_batch: int = 3, labels=None) -> tuple[Path, dict]:
    """A small archive in CIFAR-10's own format: cifar-10-batches-py/{data_batch_1..5, test_batch}, each a pickled
    dict of b"data" (N, 3072) uint8, channels first, and b"labels" a list."""
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    path, batches = folder / data.CIFAR10_ARCHIVE, {}
    with tarfile.open(path, "w:gz") as archive:
        for member in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            images = rng.integers(0, 256, (per_batch, 3, 32, 32), dtype=np.uint8)
            batch = {b"batch_label": member.encode(), b"data": images.reshape(per_batch, -1),
                     b"labels": labels if labels is not None else rng.integers(0, 10, per_batch).tolist()}
            raw = pickle.dumps(batch, protocol=4)  # arrays by numpy._core.multiarray._reconstruct, as in the original
            info = tarfile.TarInfo(f"cifar-10-batches-py/{member}")
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
            batches[member] = batch
    return path, batches


class Server:
    """Serves one file at /NAME on 127.0.0.1, honouring HTTP Range requests; ``cut_first`` cuts the first response
    off after that many bytes (the connection closes), as a dropped download would."""

    def __init__(self, payload: bytes, name: str, cut_first: int | None = None):
        self.payload, self.name, self.cut_first, self.ranges = payload, name, cut_first, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path != f"/{server.name}":
                    self.send_error(404)
                    return
                asked = self.headers.get("Range")
                server.ranges.append(asked)
                start = int(asked.removeprefix("bytes=").split("-")[0]) if asked else 0
                body = server.payload[start:]
                self.send_response(206 if asked else 200)
                if asked:
                    self.send_header("Content-Range", f"bytes {start}-{len(server.payload) - 1}/{len(server.payload)}")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if server.cut_first is not None:
                    body, server.cut_first = body[:server.cut_first], None
                    self.close_connection = True
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve(monkeypatch):
    """Register CIFAR-10 as served by a local server of the given bytes (checked against ``sha``)."""
    servers = []

    def start(payload: bytes, sha: str, cut_first: int | None = None) -> Server:
        server = Server(payload, data.CIFAR10_ARCHIVE, cut_first)
        servers.append(server)
        file = dataclasses.replace(data.REGISTRY["cifar10"].files[0], sha256=sha, url=server.url)
        monkeypatch.setitem(data.REGISTRY, "cifar10", dataclasses.replace(data.REGISTRY["cifar10"], files=(file,),
                                                                          extra_dirs=lambda: []))
        return server

    yield start
    for server in servers:
        server.close()


def test_an_interrupted_download_resumes_where_it_stopped_and_parses_like_keras(env, tmp_path, serve):  # noqa: F811
    archive, batches = cifar_archive(tmp_path / "upstream")
    payload = archive.read_bytes()
    server = serve(payload, data.sha256(archive), cut_first=len(payload) // 3)
    cache = Path(os.environ["COURSE_CACHE_DIR"]) / "cifar10"

    with pytest.raises(data.DataUnavailableError, match="stopped after .* load the dataset again to resume"):
        data.load("cifar10", fallback=False)
    part = cache / f".{data.CIFAR10_ARCHIVE}.part"
    assert part.stat().st_size == len(payload) // 3 and not (cache / data.CIFAR10_ARCHIVE).exists()

    (x_train, y_train), (x_test, y_test) = data.load("cifar10", fallback=False)
    assert server.ranges == [None, f"bytes={len(payload) // 3}-"]  # the second request asked only for the rest
    assert not part.exists() and data.sha256(cache / data.CIFAR10_ARCHIVE) == data.sha256(archive)
    assert x_train.shape == (15, 32, 32, 3) and x_test.shape == (3, 32, 32, 3) and x_train.dtype == np.uint8
    first = batches["data_batch_1"][b"data"][0].reshape(3, 32, 32)
    assert np.array_equal(x_train[0], np.moveaxis(first, 0, -1))  # channels last, as keras.datasets gives them
    assert y_train.tolist() == sum((batches[f"data_batch_{i}"][b"labels"] for i in range(1, 6)), [])
    assert y_test.tolist() == batches["test_batch"][b"labels"]
    data.load("cifar10", fallback=False)
    assert len(server.ranges) == 2, "a verified archive in the cache is used without asking the server again"


def test_a_download_with_the_wrong_checksum_is_discarded_and_never_resumed(env, tmp_path, serve):  # noqa: F811
    archive, _ = cifar_archive(tmp_path / "upstream")
    payload = bytearray(archive.read_bytes())
    payload[100] ^= 0xFF  # one flipped byte
    serve(bytes(payload), data.sha256(archive))
    with pytest.raises(data.ChecksumError, match="the download was discarded"):
        data.load("cifar10", fallback=False)
    cache = Path(os.environ["COURSE_CACHE_DIR"]) / "cifar10"
    assert sorted(p.name for p in cache.iterdir()) == [f".{data.CIFAR10_ARCHIVE}.lock"]


def test_a_batch_that_unpickles_anything_but_arrays_is_refused(env, tmp_path, monkeypatch):  # noqa: F811
    import collections

    archive, _ = cifar_archive(tmp_path / "upstream", labels=collections.OrderedDict())
    file = dataclasses.replace(data.REGISTRY["cifar10"].files[0], sha256=data.sha256(archive))
    monkeypatch.setitem(data.REGISTRY, "cifar10", dataclasses.replace(data.REGISTRY["cifar10"], files=(file,)))
    with pytest.raises(data.ChecksumError, match="asks for collections.OrderedDict; only NumPy arrays are read"):
        data.load("cifar10", path=archive.parent)


def test_without_the_archive_the_20_real_images_of_foolboxs_wheel_stand_in(env, monkeypatch, capsys):  # noqa: F811
    """The wheel itself comes from PyPI's file host (into the test's empty cache), as on a fresh machine."""
    monkeypatch.setattr(data, "_downloader", lambda: __import__("pooch").HTTPDownloader(progressbar=False, timeout=(5, 60)))
    monkeypatch.setitem(data.REGISTRY, "cifar10", dataclasses.replace(
        data.REGISTRY["cifar10"], files=(dataclasses.replace(data.REGISTRY["cifar10"].files[0], url=None),)))
    (x_train, y_train), (x_test, y_test) = data.load("cifar10")
    note = capsys.readouterr().out
    assert note.count("\n") == 1 and "cifar10_20" in note and "20 real CIFAR-10 test images" in note
    assert x_train.shape == x_test.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.tolist() + y_test.tolist() == [3, 8, 8, 0, 6, 6, 1, 6, 3, 1, 0, 9, 5, 7, 9, 8, 5, 7, 8, 6]
    assert [data.CLASS_NAMES["cifar10"][i] for i in y_train[:3]] == ["cat", "ship", "ship"]
    assert 40 < x_train.mean() < 200 and x_train.std() > 20  # real photographs, not blank or noise-free


def test_the_registry_names_the_archive_keras_downloads_with_its_checksum():
    (file,) = data.REGISTRY["cifar10"].files
    assert file.url == "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz" and file.resumable
    assert file.sha256 == "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
    assert data.REGISTRY["cifar10"].fallback == "cifar10_20"
