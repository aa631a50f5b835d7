import matplotlib
import pytest

matplotlib.use("Agg")  # unit tests draw figures without a display


@pytest.fixture(scope="session")
def built_deck(tmp_path_factory):
    """slides/01_cnns.ipynb built to offline HTML as `make slides` builds it (needs npm the first time)."""
    from tools import build_slides

    out = tmp_path_factory.mktemp("slides_html")
    build_slides.copy_vendor(build_slides.install_vendor(), out)
    return build_slides.build(build_slides.ROOT / "slides" / "01_cnns.ipynb", out)


@pytest.fixture
def fresh_python():
    """Run Python code in a new interpreter from the repository root, under the ci profile, on the CPU: for what
    must happen before TensorFlow starts (logical devices, deterministic ops) and cannot be undone once it has.
    Returns the CompletedProcess (text output captured)."""
    import os
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    def run(code: str, timeout: int = 300) -> subprocess.CompletedProcess:
        env = dict(os.environ, COURSE_PROFILE="ci", TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
        return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                              timeout=timeout, env=env, cwd=Path(__file__).resolve().parent.parent)

    return run
