"""Every lecture deck presented as an instructor presents it (tools/present.py): the offline HTML and live in
JupyterLab's RISE, at 1280 x 720 and 1920 x 1080, slide by slide. A slide whose content runs past the edge of the
screen, that shows an error or has no speaker notes fails the test with the deck, the slide and the overflow in
pixels; every deck prints to a handout of one page per slide. Nothing may be fetched from outside the machine.

Needs Debian's chromium and npm (as the other browser tests); takes a few minutes (each deck runs once).
"""
import nbformat
import pytest
from browser_helpers import needs_chromium
from conftest import small_deck

from tools import build_slides, present

DECKS = sorted((present.ROOT / "slides").glob("*.ipynb"))
pytestmark = needs_chromium


def slide_count(deck) -> int:
    """Slides and sub-slides the audience sees: the live-only ones (widgets) are left out of both presentations."""
    cells = nbformat.read(deck, as_version=4).cells
    return sum(c.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide")
               and build_slides.LIVE_ONLY not in c.metadata.get("tags", []) for c in cells)


@pytest.fixture(scope="module")
def presented(tmp_path_factory):
    """Every deck run once, built, and presented in both modes at both sizes: (work folder, slides shown, refused)."""
    pytest.importorskip("playwright.sync_api", reason="needs the browser extra: pip install -e '.[browser]'")
    workdir = tmp_path_factory.mktemp("present")
    shown, refused = present.present(DECKS, workdir)
    print(present.report(shown))
    return workdir, shown, refused


@pytest.mark.parametrize("mode", present.MODES)
@pytest.mark.parametrize("deck", DECKS, ids=lambda p: p.stem)
def test_every_slide_fits_the_screen_shows_no_error_and_has_notes(presented, deck, mode):
    _, shown, _ = presented
    slides = [s for s in shown if s.deck == deck.stem and s.mode == mode]
    assert len(slides) == slide_count(deck) * len(present.SIZES), "every slide and sub-slide is shown at each size"
    problems = [problem for s in slides for problem in s.problems()]
    assert not problems, "\n".join(problems)


def test_the_presented_decks_ask_nothing_from_outside_the_machine(presented):
    _, _, refused = presented
    assert refused == [], f"the decks asked for {refused}"


@pytest.mark.parametrize("deck", DECKS, ids=lambda p: p.stem)
def test_a_deck_prints_to_a_handout_of_one_page_per_slide(presented, deck):
    workdir, _, _ = presented
    pdf = build_slides.print_pdf(workdir / "html" / f"{deck.stem}.slides.html")
    assert build_slides.pdf_pages(pdf) == slide_count(deck)


def test_a_slide_that_does_not_fit_is_named_with_its_overflow(tmp_path):
    """The check itself: a slide too long for the screen, with a warning and no notes, fails in both modes."""
    pytest.importorskip("playwright.sync_api", reason="needs the browser extra: pip install -e '.[browser]'")
    deck = small_deck()
    deck.cells += [nbformat.v4.new_markdown_cell("## Too long", metadata={"slideshow": {"slide_type": "slide"}}),
                   nbformat.v4.new_code_cell('import sys\n\nprint("careful", file=sys.stderr)\n'
                                             'print("\\n".join(f"line {i}" for i in range(60)))')]
    path = tmp_path / "slides" / "long_deck.ipynb"
    path.parent.mkdir()
    nbformat.write(deck, path)
    shown, refused = present.present([path], tmp_path / "present", sizes=((1280, 720),))
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
