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
