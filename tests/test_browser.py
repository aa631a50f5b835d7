"""End to end in a real browser: JupyterLab runs a notebook with a figure and the kernel explorer; a built deck opens
offline, shows its speaker notes in reveal.js's speaker view and prints to a handout of one page per slide; RISE
presents a deck and its speaker view shows the notes. (The notebook and the decks are small ones: every course
notebook and deck already runs once under nbval, and tests/test_decks.py presents the course's decks.)

Needs Debian's chromium (`apt-get install chromium`; `.ci/run` installs it) and the `browser` extra (playwright,
driven with `executable_path`, never a browser download). Screenshots land in the test's temporary folder.
"""
import re

import nbformat
import pytest
from browser_helpers import CELLS_STATE, needs_chromium

from tools import build_slides, present

NOTEBOOK = "front_end.ipynb"
CELLS = [  # what the front end must show: the course's set-up line, a figure, and the kernel explorer widget
    "from course_utils import by_hand, data, plotting, runtime, widgets\n\nprofile = runtime.setup(seed=42)",
    "(x_train, y_train), _ = data.load(\"mnist_5k\")\nplotting.image_grid(x_train[:8], labels=list(y_train[:8]))",
    "print(\"Sobel, first value:\", by_hand.correlate2d(x_train[0], by_hand.KERNELS[\"Sobel x (vertical edges)\"])[0, 0])",
    "widgets.kernel_explorer()",
]
pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.server, pytest.mark.executes]


@pytest.fixture
def lab(tmp_path):
    """JupyterLab on 127.0.0.1, a random port and token, serving a small notebook in a temporary folder."""
    root = tmp_path / "lab"
    root.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS],
                                            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}),
                   root / NOTEBOOK)
    with present.jupyterlab(root, tmp_path / "lab.log", COURSE_PROFILE="ci") as (base, token):
        yield {"url": f"{base}/lab/tree/{NOTEBOOK}?token={token}", "tmp": tmp_path, "base": base, "token": token}


PICTURE = """() => {
    const picker = [...document.querySelectorAll('.widget-dropdown')].pop();
    const image = picker && picker.closest('.widget-vbox').querySelector('img.widget-image');
    return image && image.getAttribute('src');
}"""


def test_jupyterlab_runs_a_course_notebook_and_the_kernel_explorer_renders(browser, lab):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(lab["url"])
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    page.wait_for_function(f"({CELLS_STATE})()?.kernel === 'idle'", timeout=120_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(f"(s => s && s.run === s.code && s.kernel === 'idle')(({CELLS_STATE})())", timeout=300_000)
    state = page.evaluate(f"({CELLS_STATE})()")
    assert state["code"] == len(CELLS) and state["errors"] == [], state["errors"]
    assert page.locator(".jp-OutputArea-output img").count() >= 2  # the figure and the explorer's photograph

    explorer = page.locator(".jupyter-widgets", has=page.locator(".widget-dropdown")).last
    explorer.scroll_into_view_if_needed()
    assert explorer.locator(".widget-text input").count() == 9  # the nine kernel weights
    explorer.locator("img.widget-image").wait_for(timeout=30_000)
    before = page.evaluate(f"({PICTURE})()")
    explorer.locator(".widget-dropdown select").select_option("sharpen")
    # the kernel redrew the photograph for the new kernel (the image widget gets new PNG bytes)
    page.wait_for_function(f"old => {{ const now = ({PICTURE})(); return now && now !== old; }}", arg=before,
                           timeout=30_000)
    page.screenshot(path=lab["tmp"] / "kernel_explorer.png")
    assert (lab["tmp"] / "kernel_explorer.png").stat().st_size > 10_000


def test_a_built_deck_opens_offline_with_reveal_and_math(browser, built_deck, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    requests = []

    def only_local(route):
        requests.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    html_file, source = built_deck
    page.route("**/*", only_local)
    page.goto(html_file.as_uri())
    page.wait_for_selector(".reveal.ready", timeout=30_000)  # reveal.js initialised
    deck = nbformat.read(source, as_version=4)
    slides = [c for c in deck.cells if c.metadata.get("slideshow", {}).get("slide_type") == "slide"
              and "live-only" not in c.metadata.get("tags", [])]
    assert page.evaluate("document.querySelectorAll('.reveal .slides > section').length") == len(slides) == 3
    page.wait_for_function("document.querySelectorAll('.MathJax_CHTML').length > 0", timeout=30_000)
    assert page.locator(".MathJax_Error, .MathJax_CHTML merror").count() == 0  # the formulas typeset, no errors
    page.keyboard.press("ArrowRight")
    page.screenshot(path=tmp_path / "deck.png")
    outside = [url for url in requests if not url.startswith("file://")]
    assert not outside, f"the deck asked for {outside}"
    assert any(url.endswith("reveal.js") for url in requests) and any("MathJax.js" in url for url in requests)


def test_the_speaker_view_shows_the_notes_offline(browser, built_deck):
    html_file, _ = built_deck
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(html_file.as_uri() + "#/1")
    page.wait_for_selector(".reveal.ready", timeout=30_000)
    with page.expect_popup() as opened:
        page.keyboard.press("s")  # reveal.js's speaker view: notes, the next slide and a clock in a second window
    speaker = opened.value
    speaker.wait_for_function("document.body && document.body.innerText.includes('Expect: 4')", timeout=30_000)
    assert "seven inputs, a kernel of three" in speaker.inner_text("body")


def test_a_deck_prints_to_a_handout_of_one_page_per_slide(built_deck, tmp_path):
    html_file, _ = built_deck
    pdf = build_slides.print_pdf(html_file, tmp_path / "small_deck.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and build_slides.pdf_pages(pdf) == 3
    assert len(re.findall(rb"/Subtype\s*/Image", pdf.read_bytes())) >= 1  # the figure is in the handout


def test_rise_presents_a_deck_and_its_speaker_view_shows_the_notes(browser, lab):
    md = nbformat.v4.new_markdown_cell
    deck = nbformat.v4.new_notebook(cells=[
        md("# A deck", metadata={"slideshow": {"slide_type": "slide"}}),
        md("**1 min.** Say: the plan.\nAsk: who has seen RISE? (Expect: a few hands)",
           metadata={"slideshow": {"slide_type": "notes"}}),
        md("## The second slide", metadata={"slideshow": {"slide_type": "slide"}}),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"},
                 "rise": {"theme": "white", "start_slideshow_at": "beginning"}})
    nbformat.write(deck, lab["tmp"] / "lab" / "deck.ipynb")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{lab['base']}/rise/deck.ipynb?token={lab['token']}")
    page.wait_for_selector(".reveal.ready", timeout=120_000)
    assert page.locator(".reveal .slides > section").count() == 2
    page.locator(".reveal").click()
    page.keyboard.press("Escape")  # command mode, where RISE's keys work
    with page.expect_popup(timeout=30_000) as opened:
        page.keyboard.press("t")  # RISE's speaker view
    opened.value.wait_for_function("document.body && document.body.innerText.includes('who has seen RISE?')",
                                   timeout=60_000)
