import os

import matplotlib
import pytest

matplotlib.use("Agg")  # unit tests draw figures without a display


def _slide(cell, kind: str = "slide", *tags: str):
    cell.metadata["slideshow"] = {"slide_type": kind}
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def small_deck():
    """A deck with what the course's decks have: a set-up cell the audience skips, a formula, a checked number, a
    figure drawn live with its code hidden, speaker notes, a live-only widget and a link to a notebook (the course's
    decks run once, under nbval)."""
    import nbformat

    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    figure = code("import numpy as np\n\nplotting.correlation_step(np.arange(25).reshape(5, 5), np.ones((3, 3)), 1, 1)")
    figure.metadata["jupyter"] = {"source_hidden": True}
    return nbformat.v4.new_notebook(cells=[
        _slide(md("# A small deck\n\nCompanion notebook [02](../notebooks/02_convolution_by_hand.ipynb).")),
        _slide(code('from course_utils import by_hand, plotting, runtime, widgets\n\nprofile = runtime.setup(seed=42)\n'
                    'plotting.set_style("presentation")'), "skip"),
        _slide(md("## The output size\n$$W_\\text{out} = (W_\\text{in} - F + 2P)/S + 1$$")),
        code("# NBVAL_CHECK_OUTPUT\nprint(\"output size:\", by_hand.output_size(7, 3, stride=2))"),
        _slide(md("**2 min.** Say: seven inputs, a kernel of three, stride two.\nAsk: and with padding 1? (Expect: 4)"),
               "notes"),
        _slide(md("## A kernel on an image")),
        figure,
        _slide(md("## Try it"), "slide", "live-only"),
        _slide(code("widgets.kernel_explorer()"), "-", "live-only"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}, "language_info": {"name": "python"},
                 "rise": {"theme": "white", "start_slideshow_at": "beginning"}})  # RISE's default theme fetches fonts


@pytest.fixture(scope="session")
def built_deck(tmp_path_factory):
    """A small deck built to offline HTML as `make slides` builds the course's (needs npm the first time).
    Returns (the HTML file, the deck notebook)."""
    import nbformat
    from tools import build_slides

    folder = tmp_path_factory.mktemp("deck")
    (folder / "slides").mkdir()
    deck = folder / "slides" / "small_deck.ipynb"
    nbformat.write(small_deck(), deck)
    out = folder / "slides" / "html"
    build_slides.copy_vendor(build_slides.install_vendor(), out)
    return build_slides.build(deck, out), deck


@pytest.fixture
def browser():
    """Headless Debian chromium driven by playwright (skips where either is missing)."""
    from tools.build_slides import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the browser extra: pip install -e '.[browser]'")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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


@pytest.fixture
def sandbox():
    """The grader's sandbox (bubblewrap). CI installs it (.ci/run), so there a missing one fails the test; elsewhere
    the test skips and says what to install."""
    from grading.sandbox import SandboxUnavailable, check_sandbox

    try:
        check_sandbox()
    except SandboxUnavailable as why:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(why))
