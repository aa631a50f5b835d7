"""Run profiles (ci, lite, full) and the reproducible set-up every notebook starts with.

    >>> from course_utils import runtime
    >>> p = runtime.setup(seed=42)   # starts TensorFlow, seeds the whole process  # doctest: +SKIP
    course_utils: Keras 3.15.1 | TensorFlow 2.21.0 | backend tensorflow | devices CPU | profile ci (CI is set) | seed 42
    >>> epochs = p.pick(ci=1, lite=3, full=15)     # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import functools
import importlib.abc
import logging
import os
import re
import sys
import tempfile
import warnings
from dataclasses import dataclass
from typing import Iterator, TypeVar

PROFILES = ("ci", "lite", "full")
T = TypeVar("T")


@dataclass(frozen=True)
class Profile:
    """Which size of the course to run, and why it was chosen.

    >>> Profile("lite", "no GPU found").pick(ci=1, lite=3, full=15)
    3
    """

    name: str
    reason: str

    def pick(self, *, ci: T, lite: T, full: T) -> T:
        """Return the value given for this profile."""
        return {"ci": ci, "lite": lite, "full": full}[self.name]


@functools.cache
def _gpu_names() -> tuple[str, ...]:
    import tensorflow as tf

    return tuple(d.name for d in tf.config.list_physical_devices("GPU"))


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def profile() -> Profile:
    """The active profile: ``COURSE_PROFILE`` if set, else ``ci`` when ``CI`` is set,
    ``full`` when TensorFlow sees a GPU, ``lite`` otherwise.

    >>> import os; os.environ["COURSE_PROFILE"] = "ci"
    >>> profile().name
    'ci'
    """
    chosen = os.environ.get("COURSE_PROFILE", "").strip().lower()
    if chosen:
        if chosen not in PROFILES:
            raise ValueError(
                f"COURSE_PROFILE={chosen!r} is not a profile. Use one of {', '.join(PROFILES)}, "
                "or unset it to let the course choose."
            )
        return Profile(chosen, "COURSE_PROFILE is set")
    if _flag("CI"):
        return Profile("ci", "CI is set")
    if _gpu_names():
        return Profile("full", "a GPU is visible")
    return Profile("lite", "no GPU found")


# --------------------------------------------------------------------------- a quiet TensorFlow start
# While its libraries load, TensorFlow's C++ writes to the process's stderr (file descriptor 2) what
# TF_CPP_MIN_LOG_LEVEL=3 does not hide: absl's "WARNING: All log messages before absl::InitializeLog() is called are
# written to STDERR" and an INFO line on oneDNN (TF 2.21 on CPU, twice; without the variable also one on CPU features).
# A Jupyter kernel forwards that descriptor into the cell, so a notebook would open with a red block that says
# nothing to a student. Only turning oneDNN off (TF_ENABLE_ONEDNN_OPTS=0) silences it otherwise, which changes the
# numbers and the speed. So `import course_utils` arranges that TensorFlow's import runs with descriptor 2 caught,
# and gives back what was caught less the log lines that TF_CPP_MIN_LOG_LEVEL (3 by default) asks to hide.
# Import course_utils before keras or tensorflow (the notebooks' first lines do): afterwards it is too late.

# an absl log line starts: severity, MMDD hh:mm:ss.micros, thread, file:line]
_ABSL_LINE = re.compile(rb"([IWEF])\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [^\]\s]+:\d+\] ")
_BEFORE_INIT = b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"


def _hidden_level() -> int:
    """The lowest severity TensorFlow shows: TF_CPP_MIN_LOG_LEVEL (0 info, 1 warning, 2 error, 3 fatal)."""
    try:
        return int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0"))
    except ValueError:
        return 0


def without_start_up_lines(text: bytes, level: int) -> bytes:
    """``text`` (what TensorFlow's C++ wrote to stderr while loading) without absl's notice and without the log lines
    of a severity below ``level``, as TF_CPP_MIN_LOG_LEVEL means it (I=0, W=1, E=2, F=3). Other lines stay.

    >>> caught = (b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\\n"
    ...           b"I0000 00:00:1796641520.468302    9326 port.cc:153] oneDNN custom operations are on.\\n"
    ...           b"F0000 00:00:1796641520.468302    9326 main.cc:1] something fatal\\n"
    ...           b"a line of its own\\n")
    >>> print(without_start_up_lines(caught, level=3).decode(), end="")
    F0000 00:00:1796641520.468302    9326 main.cc:1] something fatal
    a line of its own
    >>> without_start_up_lines(caught, level=0) == caught
    True
    """
    if level <= 0:
        return text
    kept = []
    for line in text.splitlines(keepends=True):
        severity = _ABSL_LINE.match(line)
        if line.startswith(_BEFORE_INIT) or (severity and "IWEF".index(severity.group(1).decode()) < level):
            continue
        kept.append(line)
    return b"".join(kept)


@contextlib.contextmanager
def _stderr_caught() -> Iterator[None]:
    """Catch what is written to file descriptor 2 (by C++ too) and write it back at the end, less the start-up lines
    (all of it if the block raised: then they may say why)."""
    level = _hidden_level()
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (a windowed interpreter): nothing to catch
        yield
        return
    caught, failed = tempfile.TemporaryFile(), True
    try:
        _flush(sys.stderr)
        os.dup2(caught.fileno(), 2)
        yield
        failed = False
    finally:
        _flush(sys.stderr)
        os.dup2(saved, 2)
        os.close(saved)
        caught.seek(0)
        text = caught.read()
        caught.close()
        rest = memoryview(text if failed else without_start_up_lines(text, level))
        while rest:
            rest = rest[os.write(2, rest):]


def _flush(stream) -> None:
    with contextlib.suppress(Exception):  # sys.stderr may be None or closed
        stream.flush()


class _QuietStart(importlib.abc.MetaPathFinder):
    """Import ``name`` with its own finder and loader, only with file descriptor 2 caught while it runs (once)."""

    def __init__(self, name: str):
        self.name = name

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        for finder in sys.meta_path:
            spec = None if finder is self else getattr(finder, "find_spec", lambda *a: None)(fullname, path, target)
            if spec is not None:
                if hasattr(spec.loader, "exec_module"):
                    spec.loader = _QuietLoader(spec.loader, self)
                return spec
        return None


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader, finder: _QuietStart):
        self.loader, self.finder = loader, finder

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        module.__loader__ = module.__spec__.loader = self.loader  # the module keeps its own loader
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self.finder)
        with _stderr_caught():
            self.loader.exec_module(module)


def quiet_tensorflow_start(name: str = "tensorflow") -> bool:
    """Have the next ``import tensorflow`` (also through ``import keras``) keep TensorFlow's C++ start-up lines off
    stderr, as TF_CPP_MIN_LOG_LEVEL asks (``import course_utils`` calls this). False when it is too late: TensorFlow
    is loaded already.

    >>> quiet_tensorflow_start("a_module_nobody_imports")
    True
    >>> import sys; quiet_tensorflow_start("sys")
    False
    >>> sys.meta_path[:] = [f for f in sys.meta_path if getattr(f, "name", "") != "a_module_nobody_imports"]
    """
    if name in sys.modules:
        return False
    if not any(isinstance(f, _QuietStart) and f.name == name for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietStart(name))
    return True


class _NoRetracingNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


def setup(seed: int = 42, deterministic: bool | None = None) -> Profile:
    """Prepare a notebook: GPU memory growth, seeds, deterministic ops, plot style.

    Prints one line with versions, backend, devices and profile, and returns the profile.
    ``deterministic`` makes TensorFlow's ops repeatable bit for bit (slower kernels, and Keras then turns
    XLA off); by default it is on under ``ci`` only, so that tests reproduce. A notebook that measures speed
    passes ``False``. Once on, it stays on until the kernel restarts.

    >>> p = setup(seed=0)   # starts TensorFlow, seeds the whole process  # doctest: +SKIP
    >>> p.name in PROFILES                         # doctest: +SKIP
    True
    """
    import tensorflow as tf

    # Memory growth must be set before a GPU is first used; on a shared hub GPU it keeps one
    # kernel from reserving all of its memory.
    gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:
            pass  # the GPU is already initialised in this kernel: growth was set before or cannot be

    import keras

    keras.utils.set_random_seed(seed)  # Python, NumPy and the backend
    active = profile()
    if deterministic is None:
        deterministic = active.name == "ci"
    if deterministic:
        tf.config.experimental.enable_op_determinism()

    # course_utils.data.to_dataset shuffles inside the pipeline; Keras 3.15 warns about fit's default
    # shuffle=True for every tf.data input, which would clutter every training cell.
    warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed, but will be ignored")
    # predict() on several models in one notebook (a sweep, the beta runs) makes TensorFlow log a retracing
    # notice with a memory address in it: harmless, and it would break every checked cell it lands in.
    logger = tf.get_logger()
    logger.setLevel(logging.WARNING)  # INFO lines (e.g. each all-reduce a distribution strategy plans) are internals
    if not any(isinstance(f, _NoRetracingNotice) for f in logger.filters):
        logger.addFilter(_NoRetracingNotice())

    from . import plotting

    plotting.set_style(os.environ.get("COURSE_STYLE", "notebook"))
    devices = ", ".join(["CPU"] + [g.name.replace("/physical_device:", "") for g in gpus])
    print(
        f"course_utils: Keras {keras.__version__} | TensorFlow {tf.__version__} | "
        f"backend {keras.backend.backend()} | devices {devices} | "
        f"profile {active.name} ({active.reason}) | seed {seed}"
    )
    return active
