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


START_UP = ["WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
            "I0000 00:00:1796641520.468302    9326 port.cc:153] oneDNN custom operations are on.\n",
            "a line of its own\n"]


@pytest.mark.parametrize("fails", [False, True], ids=["loads", "fails"])
def test_a_quiet_start_keeps_only_what_the_log_level_lets_through(fails, tmp_path, monkeypatch, capfd):
    """A stand-in for TensorFlow that writes its start-up lines to file descriptor 2, as C++ does; if its import fails,
    every line comes back (it may say why)."""
    import sys

    name = f"noisy_start_{'fails' if fails else 'loads'}"
    writes = "".join(f"os.write(2, {line.encode()!r})\n" for line in START_UP)
    ending = "raise ImportError('no luck')\n" if fails else "VALUE = 1\n"
    (tmp_path / f"{name}.py").write_text(f"import os\n{writes}{ending}")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    assert runtime.quiet_tensorflow_start(name)
    try:
        if fails:
            with pytest.raises(ImportError, match="no luck"):
                __import__(name)
        else:
            module = __import__(name)
            assert module.VALUE == 1 and type(module.__loader__).__name__ == "SourceFileLoader"
    finally:
        sys.modules.pop(name, None)
    assert capfd.readouterr().err == "".join(START_UP if fails else START_UP[2:])
    assert not any(getattr(f, "name", None) == name for f in sys.meta_path), "the finder steps aside after one import"
    assert not runtime.quiet_tensorflow_start("sys"), "too late for a module already loaded"


def test_tensorflow_starts_without_stderr_after_course_utils(fresh_python):
    """A fresh interpreter, as a student's kernel, without TF_CPP_MIN_LOG_LEVEL: `import course_utils` first, then keras
    and the set-up write nothing to stderr (TensorFlow 2.21 imported first writes absl's notice and oneDNN's INFO
    line twice). About 6 s: TensorFlow loads once."""
    result = fresh_python("""
        import os
        os.environ.pop("TF_CPP_MIN_LOG_LEVEL", None)
        import course_utils
        import keras
        from course_utils import runtime
        runtime.setup()
    """, timeout=180)
    assert result.returncode == 0 and "course_utils: Keras" in result.stdout, result.stderr[-2000:]
    assert result.stderr == ""
