"""Build the lecture decks in slides/ into self-contained HTML that opens offline (``make slides``).

    python -m tools.build_slides                          # every deck -> slides/html/NAME.slides.html
    python -m tools.build_slides slides/01_cnns.ipynb --out /tmp/decks

Steps: install the pinned JavaScript (slides/package.json, sha512 in package-lock.json) with ``npm ci`` into
build/slides-vendor once; copy what the decks load into OUT/vendor/; execute each deck (the active profile) without
its ``live-only`` cells (widgets need a live kernel); export it with nbconvert's reveal.js template pointed at the
local copies; refuse a deck that still references anything outside the folder.
"""
from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import SlidesExporter

from tools.npm import install_pinned

ROOT = Path(__file__).resolve().parent.parent
VENDOR_BUILD = ROOT / "build" / "slides-vendor"
MATHJAX_PARTS = ("MathJax.js", "config", "extensions", "jax", "localization", "fonts/HTML-CSS/TeX")
LIVE_ONLY = "live-only"


def install_vendor() -> Path:
    """``npm ci`` the pinned packages into build/slides-vendor (skipped when the lockfile is unchanged)."""
    return install_pinned(ROOT / "slides", VENDOR_BUILD, "make slides (reveal.js, RequireJS and MathJax)")


def copy_vendor(modules: Path, out: Path) -> None:
    """The files the decks load, under OUT/vendor/ (replaced as a whole, so no stale file lingers)."""
    vendor = out / "vendor"
    shutil.rmtree(vendor, ignore_errors=True)
    for part in ("dist", "plugin"):
        shutil.copytree(modules / "reveal.js" / part, vendor / "reveal.js" / part)
    for part in MATHJAX_PARTS:
        source, target = modules / "mathjax" / part, vendor / "mathjax" / part
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, target)
    for part in ("css", "fonts"):
        shutil.copytree(modules / "font-awesome" / part, vendor / "font-awesome" / part)
    shutil.copyfile(modules / "requirejs" / "require.js", vendor / "require.js")
    shutil.copyfile(modules / "jquery" / "dist" / "jquery.min.js", vendor / "jquery.min.js")


def exporter() -> SlidesExporter:
    """nbconvert's reveal.js exporter, every URL pointing into vendor/ next to the HTML."""
    return SlidesExporter(
        template_file=str(ROOT / "slides" / "offline.html.j2"),
        reveal_url_prefix="vendor/reveal.js",
        reveal_theme="white",  # reveal's "simple" theme imports Google Fonts; "white" ships its font
        require_js_url="vendor/require.js",
        jquery_url="vendor/jquery.min.js",
        font_awesome_url="vendor/font-awesome/css/font-awesome.min.css",
        mathjax_url="vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        reveal_scroll=True,  # a slide taller than the screen (code and its figure) scrolls instead of being cut
    )


def external_references(html: str) -> list[str]:
    """Addresses in ``src=``/``href=`` attributes, CSS ``url()``/``@import`` and JavaScript imports that leave the folder.

    >>> external_references('<script src="vendor/require.js"></script><link href="https://cdn.example/x.css">')
    ['https://cdn.example/x.css']
    """
    found = re.findall(r"""(?:src|href)\s*=\s*["'](https?:|//)([^"']*)""", html)
    found += re.findall(r"""(?:url\(|@import\s+|\bfrom\s+|\bimport\s*\()["']?(https?:|//)([^"')\s]*)""", html)
    return sorted({scheme + rest for scheme, rest in found})


def build(deck: Path, out: Path) -> Path:
    """Execute ``deck`` without its live-only cells and write OUT/NAME.slides.html."""
    nb = nbformat.read(deck, as_version=4)
    nb.cells = [c for c in nb.cells if LIVE_ONLY not in c.metadata.get("tags", [])]
    for cell in nb.cells:  # the audience needs no test marker
        cell.source = re.sub(r"^# NBVAL_CHECK_OUTPUT\n", "", cell.source)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(deck.parent)}}).execute()
    html, _ = exporter().from_notebook_node(nb)
    html = html.replace('href="../notebooks/', 'href="../../notebooks/')  # the HTML sits one folder deeper than the deck
    leaks = external_references(html)
    if leaks:
        raise SystemExit(f"{deck.name}: the HTML would load from outside the folder: {', '.join(leaks)}")
    target = out / f"{deck.stem}.slides.html"
    target.write_text(html)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("decks", nargs="*", type=Path, help="default: slides/*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "slides" / "html")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    copy_vendor(install_vendor(), args.out)
    for deck in args.decks or sorted((ROOT / "slides").glob("*.ipynb")):
        print(f"built {build(deck, args.out)}", flush=True)


if __name__ == "__main__":
    main()
