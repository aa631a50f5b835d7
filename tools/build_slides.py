"""Build the lecture decks in slides/ into self-contained HTML that opens offline (``make slides``).

    python -m tools.build_slides                          # every deck -> slides/html/NAME.slides.html
    python -m tools.build_slides slides/01_cnns.ipynb --out /tmp/decks

    python -m tools.build_slides --no-pdf                 # HTML only (no chromium on this machine)

Steps: install the pinned JavaScript (slides/package.json, sha512 in package-lock.json) with ``npm ci`` into
build/slides-vendor once; copy what the decks load into OUT/vendor/; execute each deck (the active profile) without
its ``live-only`` cells (widgets need a live kernel); leave out the code of cells whose input is hidden (the code of a
figure, where the figure is the point: it still runs); export it with nbconvert's reveal.js template pointed at the
local copies; refuse a deck that still references anything outside the folder; print it to OUT/NAME.pdf, the
students' handout (reveal.js's print layout in Debian's chromium, one page per slide, no network).
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
CHROMIUM = Path("/usr/bin/chromium")  # Debian's (apt-get install chromium), driven by playwright: never a download
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


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
        reveal_width="1280",  # a 16:9 slide that reveal.js scales to the screen (see offline.html.j2)
        reveal_height="720",
    )


def external_references(html: str) -> list[str]:
    """Addresses in ``src=``/``href=`` attributes, CSS ``url()``/``@import`` and JavaScript imports that leave the folder.

    >>> external_references('<script src="vendor/require.js"></script><link href="https://cdn.example/x.css">')
    ['https://cdn.example/x.css']
    """
    found = re.findall(r"""(?:src|href)\s*=\s*["'](https?:|//)([^"']*)""", html)
    found += re.findall(r"""(?:url\(|@import\s+|\bfrom\s+|\bimport\s*\()["']?(https?:|//)([^"')\s]*)""", html)
    return sorted({scheme + rest for scheme, rest in found})


def input_hidden(cell: nbformat.NotebookNode) -> bool:
    """Whether JupyterLab shows ``cell`` with its input collapsed (View > Collapse Selected Code sets this)."""
    return bool(cell.metadata.get("jupyter", {}).get("source_hidden"))


def as_presented(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the deck ``nb`` as the audience sees it: without its live-only cells (widgets need a live kernel) and
    without the tests' marks. It works on a deck run already (nbval's run in the tests) as on one still to run."""
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if LIVE_ONLY not in c.metadata.get("tags", [])]
    for cell in nb.cells:
        cell.source = re.sub(r"^# NBVAL_CHECK_OUTPUT\n", "", cell.source)
    return nb


def execute(deck: Path) -> nbformat.NotebookNode:
    """``deck`` without its live-only cells, run from its own folder (the active profile), as the audience sees it."""
    nb = as_presented(nbformat.read(deck, as_version=4))
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(deck.parent)}}).execute()
    return nb


def build(deck: Path, out: Path, executed: nbformat.NotebookNode | None = None) -> Path:
    """Execute ``deck`` without its live-only cells (or take it ``executed``) and write OUT/NAME.slides.html."""
    nb = nbformat.from_dict(executed) if executed is not None else execute(deck)
    for cell in nb.cells:
        if input_hidden(cell):
            cell.metadata.transient = {"remove_source": True}  # nbconvert's templates leave the input out, keep the output
    html, _ = exporter().from_notebook_node(nb)
    html = html.replace('href="../notebooks/', 'href="../../notebooks/')  # the HTML sits one folder deeper than the deck
    leaks = external_references(html)
    if leaks:
        raise SystemExit(f"{deck.name}: the HTML would load from outside the folder: {', '.join(leaks)}")
    target = out / f"{deck.stem}.slides.html"
    target.write_text(html)
    return target


def print_pdf(html_file: Path, pdf: Path | None = None, browser=None) -> Path:
    """Print a built deck to a PDF with reveal.js's print layout (``?print-pdf``) in Debian's chromium: one page per
    slide, fragments shown, speaker notes left out. Needs the ``browser`` extra and ``apt-get install chromium``;
    ``browser``: a playwright Browser already open (else one is launched for this handout).

    >>> print_pdf(Path("slides/html/01_cnns.slides.html"))  # doctest: +SKIP
    PosixPath('slides/html/01_cnns.pdf')
    """
    pdf = pdf or html_file.with_name(html_file.name.replace(".slides.html", ".pdf"))
    if browser is None:
        if not CHROMIUM.exists():
            raise SystemExit(f"make slides prints the handouts with {CHROMIUM}, which is missing: sudo apt-get install "
                             "chromium, or build the HTML only: python -m tools.build_slides --no-pdf")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                return print_pdf(html_file, pdf, launched)
            finally:
                launched.close()
    page = browser.new_page()
    try:
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                   else route.abort())  # a handout is made from the folder alone
        page.goto(html_file.resolve().as_uri() + "?print-pdf")
        page.wait_for_selector(".reveal.ready", timeout=60_000)
        page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0", timeout=60_000)
        page.wait_for_selector(".reveal .pdf-page", state="attached", timeout=60_000)
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    finally:
        page.close()
    return pdf


def pdf_pages(pdf: Path) -> int:
    """The number of pages in a PDF that chromium wrote (its page objects are not compressed).

    >>> pdf_pages(Path("slides/html/01_cnns.pdf"))  # doctest: +SKIP
    17
    """
    return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("decks", nargs="*", type=Path, help="default: slides/*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "slides" / "html")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF handouts (they need chromium)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    copy_vendor(install_vendor(), args.out)
    for deck in args.decks or sorted((ROOT / "slides").glob("*.ipynb")):
        html_file = build(deck, args.out)
        print(f"built {html_file}", flush=True)
        if not args.no_pdf:
            pdf = print_pdf(html_file)
            print(f"built {pdf} ({pdf_pages(pdf)} pages)", flush=True)


if __name__ == "__main__":
    main()
