"""Small helpers for the deep-learning course notebooks.

Import the module you need; nothing heavy loads on ``import course_utils``:

    >>> from course_utils import by_hand, data, runtime
    >>> profile = runtime.setup(seed=42)   # starts TensorFlow, seeds the whole process  # doctest: +SKIP
"""
import os

# TensorFlow's C++ start-up log lines carry timestamps and would break stored notebook outputs.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
