"""course_utils.runtime: how the profile is chosen, pick(), and setup()."""
import numpy as np
import pytest

from course_utils import runtime


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("COURSE_PROFILE", "CI"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("env, gpus, expected", [
    ({}, (), "lite"),
    ({}, ("/physical_device:GPU:0",), "full"),
    ({"CI": "true"}, ("/physical_device:GPU:0",), "ci"),
    ({"CI": "false"}, (), "lite"),
    ({"CI": "true", "COURSE_PROFILE": "full"}, (), "full"),
    ({"COURSE_PROFILE": " Lite "}, ("/physical_device:GPU:0",), "lite"),
])
def test_profile_choice(clean_env, env, gpus, expected):
    for key, value in env.items():
        clean_env.setenv(key, value)
    clean_env.setattr(runtime, "_gpu_names", lambda: gpus)
    assert runtime.profile().name == expected


def test_unknown_profile_is_a_clear_error(clean_env):
    clean_env.setenv("COURSE_PROFILE", "fast")
    with pytest.raises(ValueError, match="ci, lite, full"):
        runtime.profile()


def test_pick_returns_the_value_for_the_profile():
    values = {"ci": 1, "lite": 3, "full": 15}
    for name, value in values.items():
        assert runtime.Profile(name, "test").pick(**values) == value
    with pytest.raises(TypeError):
        runtime.Profile("ci", "test").pick(ci=1, full=15)


def test_setup_prints_one_line_and_makes_runs_repeatable(clean_env, capsys):
    import keras

    clean_env.setenv("COURSE_PROFILE", "ci")
    assert runtime.setup(seed=7).name == "ci"
    line = capsys.readouterr().out
    assert line.count("\n") == 1
    for part in ("Keras 3.", "TensorFlow 2.21", "backend tensorflow", "devices CPU", "profile ci", "seed 7"):
        assert part in line
    first = (np.random.rand(3), keras.random.normal((3,)).numpy())
    runtime.setup(seed=7)
    second = (np.random.rand(3), keras.random.normal((3,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_setup_silences_only_the_retracing_notice(clean_env, capsys):
    import logging

    import tensorflow as tf

    clean_env.setenv("COURSE_PROFILE", "ci")
    runtime.setup()
    runtime.setup()
    logger = tf.get_logger()
    assert sum(isinstance(f, runtime._NoRetracingNotice) for f in logger.filters) == 1
    notice = logger.makeRecord("tensorflow", logging.WARNING, __file__, 1,
                               "5 out of the last 5 calls to <function f at 0x7f> triggered tf.function retracing.", None, None)
    other = logger.makeRecord("tensorflow", logging.WARNING, __file__, 1, "something else went wrong", None, None)
    assert not logger.filter(notice) and logger.filter(other)


def test_deterministic_ops_follow_the_profile_unless_asked(fresh_python):
    """A fresh interpreter: once TensorFlow's deterministic ops are on, they stay on for the process."""
    out = fresh_python("""
        from course_utils import runtime
        from tensorflow.python.framework.config import is_op_determinism_enabled as on
        runtime.setup(deterministic=False); print('asked off:', on())
        runtime.setup(); print('ci default:', on())
    """, timeout=120).stdout
    assert "asked off: False" in out and "ci default: True" in out
