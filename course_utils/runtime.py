"""Run profiles (ci, lite, full) and the reproducible set-up every notebook starts with.

    >>> from course_utils import runtime
    >>> p = runtime.setup(seed=42)   # starts TensorFlow, seeds the whole process  # doctest: +SKIP
    course_utils: Keras 3.15.1 | TensorFlow 2.21.0 | backend tensorflow | devices CPU | profile ci (CI is set) | seed 42
    >>> epochs = p.pick(ci=1, lite=3, full=15)     # doctest: +SKIP
"""
from __future__ import annotations

import functools
import logging
import os
import warnings
from dataclasses import dataclass
from typing import TypeVar

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
