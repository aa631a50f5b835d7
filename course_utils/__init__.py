"""Small helpers for the deep-learning course notebooks.

Import the module you need; nothing heavy loads on ``import course_utils``:

    >>> from course_utils import by_hand, data, runtime
    >>> profile = runtime.setup(seed=42)   # starts TensorFlow, seeds the whole process  # doctest: +SKIP
"""
import os

# TensorFlow's C++ start-up log lines carry timestamps and would break stored notebook outputs.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from .runtime import quiet_tensorflow_start  # noqa: E402  (after the variable: nothing heavy is imported)

# The lines TensorFlow's C++ writes while it loads ignore that variable; import course_utils before keras or tensorflow
# and they are kept off stderr too (runtime.quiet_tensorflow_start), so a notebook does not open with a red block.
quiet_tensorflow_start()

__version__ = "0.1.0"
