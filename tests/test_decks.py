"""Every lecture deck presented as an instructor presents it (tools/present.py): the offline HTML and live in
JupyterLab's RISE, at 1280 x 720 and 1920 x 1080, slide by slide. A slide whose content runs past the edge of the
screen, that shows an error or has no speaker notes fails the test with the deck, the slide and the overflow in
pixels; every deck prints to a handout of one page per slide. Nothing may be fetched from outside the machine.

Each deck runs once: these tests present the copy that nbval executed (conftest.py runs a deck's cells and these
tests in one unit, cells first); run alone (``pytest tests/test_decks.py``), a deck runs here instead. Needs Debian's
chromium and npm (as the other browser tests); the four screens of a deck are shown in step, about a minute a deck.
"""
import nbformat
import pytest
from browser_helpers import needs_chromium
from conftest import small_deck

from tools import build_slides, present

DECKS = [pytest.param(d, id=d.stem, marks=pytest.mark.xdist_group(d.stem))  # one unit with the deck's nbval cells
         for d in sorted((present.ROOT / "slides").glob("*.ipynb"))]
pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.server, pytest.mark.executes]


def slide_count(deck) -> int:
    """Slides and sub-slides the audience sees: the live-only ones (widgets) are left out of both presentations."""
    cells = nbformat.read(deck, as_version=4).cells
    return sum(c.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide")
               and build_slides.LIVE_ONLY not in c.metadata.get("tags", []) for c in cells)


@pytest.fixture(scope="module")
def presenter(tmp_path_factory):
    """Chromium and a JupyterLab for RISE, open for every deck this process presents."""
    pytest.importorskip("playwright.sync_api", reason="needs the browser extra: pip install -e '.[browser]'")
    with present.Presenter(tmp_path_factory.mktemp("present")) as opened:
        yield opened


@pytest.fixture(scope="module")
def presented(request, presenter, executed_notebook):
    """``presented(deck)``: (slides shown, requests refused), the deck presented once in both modes at both sizes:
    the copy nbval ran where its cells are among this run's tests (they run first, in the same unit), else run here."""
    done = {}
    ran_by_nbval = {item.path for item in request.session.items if item.path.suffix == ".ipynb"}

    def get(deck):
        if deck not in done:
            executed = executed_notebook(deck)
            if deck in ran_by_nbval and executed is None:
                pytest.fail(f"nbval's run of {deck.name} handed no executed copy over (did a cell fail?): "
                            "a deck runs once, see conftest.py")
            done[deck] = presenter.present(deck, executed)
            print(f"{deck.stem}: {'the copy nbval ran' if executed else 'run here'}\n{present.report(done[deck][0])}")
        return done[deck]
    return get


@pytest.mark.parametrize("mode", present.MODES)
@pytest.mark.parametrize("deck", DECKS)
def test_every_slide_fits_the_screen_shows_no_error_and_has_notes(presented, deck, mode):
    shown, _ = presented(deck)
    slides = [s for s in shown if s.mode == mode]
    assert len(slides) == slide_count(deck) * len(present.SIZES), "every slide and sub-slide is shown at each size"
    problems = [problem for s in slides for problem in s.problems()]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("deck", DECKS)
def test_the_presented_deck_asks_nothing_from_outside_the_machine(presented, deck):
    _, refused = presented(deck)
    assert refused == [], f"the deck asked for {refused}"


@pytest.mark.parametrize("deck", DECKS)
def test_a_deck_prints_to_a_handout_of_one_page_per_slide(presented, presenter, deck):
    presented(deck)
    pdf = build_slides.print_pdf(presenter.html_dir / f"{deck.stem}.slides.html", browser=presenter.browser)
    assert build_slides.pdf_pages(pdf) == slide_count(deck)


def test_a_slide_that_does_not_fit_is_named_with_its_overflow(presenter, tmp_path):
    """The check itself: a slide too long for the screen, with a warning and no notes, fails in both modes."""
    deck = small_deck()
    deck.cells += [nbformat.v4.new_markdown_cell("## Too long", metadata={"slideshow": {"slide_type": "slide"}}),
                   nbformat.v4.new_code_cell('import sys\n\nprint("careful", file=sys.stderr)\n'
                                             'print("\\n".join(f"line {i}" for i in range(60)))')]
    path = tmp_path / "slides" / "long_deck.ipynb"
    path.parent.mkdir()
    nbformat.write(deck, path)
    shown, refused = presenter.present(path, sizes=((1280, 720),))
    assert refused == []
    found = {(s.mode, s.slide): s for s in shown}
    assert sorted(found) == [(mode, slide) for mode in sorted(present.MODES) for slide in ("#/0", "#/1", "#/2", "#/3")]
    for mode in present.MODES:
        assert found[mode, "#/1"].problems() == []  # fits, no error, has its notes
        problems = found[mode, "#/3"].problems()
        assert found[mode, "#/3"].below > 300
        assert problems[0].startswith(f"long_deck {mode} 1280x720 #/3: the content runs ")
        assert any("shows an error or warning: careful" in p for p in problems)
        assert problems[-1].endswith("#/3: has no speaker notes")
