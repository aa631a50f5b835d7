"""make slides: a deck becomes one HTML file that loads only what sits beside it."""
import json
import re

import pytest

from tools import build_slides


def test_external_references_are_found_in_every_form():
    html = """<script src="vendor/require.js"></script><link href="https://cdn.example/a.css" rel="stylesheet">
    <script type="module">import m from 'https://cdn.example/m.mjs';</script>
    <style>@import url(//fonts.example/f.css); .x { background: url("https://img.example/x.png") }</style>
    <a href="../../notebooks/02_convolution_by_hand.ipynb">02</a>"""
    assert build_slides.external_references(html) == ["//fonts.example/f.css", "https://cdn.example/a.css",
                                                       "https://cdn.example/m.mjs", "https://img.example/x.png"]


def test_the_vendored_javascript_is_pinned_with_checksums():
    lock = json.loads((build_slides.ROOT / "slides" / "package-lock.json").read_text())
    packages = {k.removeprefix("node_modules/"): v for k, v in lock["packages"].items() if k}
    assert packages["reveal.js"]["version"].startswith("4.")  # nbconvert's template needs reveal.js 4 (6 breaks it)
    assert packages["mathjax"]["version"] == "2.7.7"
    assert all(v["integrity"].startswith("sha512-") for v in packages.values())


@pytest.mark.executes  # builds a small deck: it runs in a kernel
def test_a_built_deck_is_self_contained(built_deck):
    html_file, _ = built_deck
    html = html_file.read_text()
    assert build_slides.external_references(html) == []
    for local in re.findall(r'(?:src|href)="(vendor/[^"?]+)', html):
        assert (html_file.parent / local).is_file(), f"{local} is referenced but missing"
    assert (html_file.parent / "vendor" / "mathjax" / "MathJax.js").is_file()
    assert "Reveal.initialize" in html and "white-space: pre-wrap" in html  # long code lines wrap, not cut
    assert "NBVAL_CHECK_OUTPUT" not in html and "output size: 3" in html
    assert "kernel_explorer" not in html, "live-only cells (widgets) stay out of the static deck"
    assert html.count("<img") == 1  # the figure was drawn when it was built
    assert "correlation_step" not in html, "the code of a cell with a hidden input stays out of the deck"
    assert '<aside class="notes">' in html and "Expect: 4" in html  # the speaker notes, for the speaker view (S)
    assert 'href="../../notebooks/02_convolution_by_hand.ipynb"' in html
