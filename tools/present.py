"""Present every lecture deck in headless chromium, as the audience would see it, and report what does not fit.

    python -m tools.present                                # every deck, offline HTML and RISE, 1280x720 and 1920x1080
    python -m tools.present slides/01_cnns.ipynb --mode offline --size 1280x720

For each deck: execute it once (the active profile, without its live-only cells); build the offline HTML
(tools/build_slides.py) and step through every slide and sub-slide with reveal.js; open the executed notebook live in
JupyterLab's RISE (``/rise/NAME.ipynb`` on a JupyterLab started on 127.0.0.1 for the check) and step through it the
same way. On every slide it measures how far the content runs past the bottom and right edge of the screen (with all
fragments shown), whether an output is an error or a warning, and whether the slide has speaker notes. Nothing is
fetched from outside the machine: a request that leaves it is refused and reported.

Exits 1 and prints the deck, the mode, the size, the slide (``#/h/v``, as in the deck's address bar) and the overflow
in pixels when a slide does not fit. Instructors: run it after editing a deck (``make present``).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import nbformat

from course_utils.distributed import free_ports
from tools import build_slides

ROOT = build_slides.ROOT
SIZES = ((1280, 720), (1920, 1080))
MODES = ("offline", "rise")

# On the slide shown now (the innermost section.present), with every fragment laid out: how far its content reaches
# past the screen's bottom and right edge (and past the slide's area where reveal.js scales one), in CSS pixels.
FIT = """() => {
    const slide = [...document.querySelectorAll('.reveal .slides section.present')].pop();
    const area = document.querySelector('.reveal .slides').getBoundingClientRect();
    const bottomEdge = Math.min(area.bottom, window.innerHeight), rightEdge = Math.min(area.right, window.innerWidth);
    let bottom = -Infinity, right = -Infinity;
    for (const element of slide.querySelectorAll('*')) {
        if (element.closest('aside.notes')) continue;
        const box = element.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        bottom = Math.max(bottom, box.bottom);
        right = Math.max(right, box.right);
    }
    const stderr = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]';
    const outputs = [...slide.querySelectorAll(stderr)];
    const notes = [...slide.querySelectorAll(':scope > aside.notes')].map(n => n.textContent.trim()).join(' ');
    return {below: Math.round(bottom - bottomEdge), right: Math.round(right - rightEdge),
            errors: outputs.map(o => o.textContent.trim().slice(0, 200)), notes: notes.slice(0, 200)};
}"""

# Every slide's address: [h, v] for each horizontal slide and each of its vertical sub-slides.
ADDRESSES = """() => [...document.querySelectorAll('.reveal .slides > section')].flatMap((slide, h) => {
    const below = slide.querySelectorAll(':scope > section');
    return below.length ? [...below].map((_, v) => [h, v]) : [[h, 0]];
})"""

# reveal.js marks the slide it shows with .present; the address must be the one asked for.
SHOWN = """([h, v]) => {
    const slide = document.querySelectorAll('.reveal .slides > section')[h];
    if (!slide || !slide.classList.contains('present')) return false;
    const below = slide.querySelectorAll(':scope > section');
    return !below.length || below[v].classList.contains('present');
}"""


@dataclass
class Shown:
    """One slide as presented: where, and what the check found."""

    deck: str
    mode: str
    size: str
    slide: str
    below: int
    right: int
    errors: list[str]
    notes: str

    def problems(self) -> list[str]:
        """What is wrong with this slide, in words (empty when it fits, shows no error and has notes)."""
        where = f"{self.deck} {self.mode} {self.size} {self.slide}"
        found = []
        if self.below > 0:
            found.append(f"{where}: the content runs {self.below} px past the bottom of the screen")
        if self.right > 0:
            found.append(f"{where}: the content runs {self.right} px past the right edge of the screen")
        found += [f"{where}: shows an error or warning: {text}" for text in self.errors]
        if not self.notes:
            found.append(f"{where}: has no speaker notes")
        return found


def step_through(pages: list, deck: str) -> list[Shown]:
    """Show every slide of the deck open in each of ``pages`` (a list of (page, mode)) in turn, all pages in step, by
    its #/h/v address, and measure it. The pages wait for reveal.js together, so four screens take the time of one."""
    addresses = [page.evaluate(ADDRESSES) for page, _ in pages]
    shown = []
    for step in range(max(len(a) for a in addresses)):
        here = [(page, mode, a[step]) for (page, mode), a in zip(pages, addresses) if step < len(a)]
        for page, _, (h, v) in here:
            page.evaluate(f"location.hash = '#/{h}/{v}'")
        for page, _, address in here:
            page.wait_for_function(SHOWN, arg=address, timeout=30_000)
        for (page, mode, (h, v)), found in zip(here, settled([page for page, _, _ in here])):
            size = f"{page.viewport_size['width']}x{page.viewport_size['height']}"
            shown.append(Shown(deck, mode, size, f"#/{h}" + (f"/{v}" if v else ""), **found))
    return shown


def settled(pages: list, tries: int = 40) -> list[dict]:
    """Each page's measurement of its slide once reveal.js's transition, its layout pass and MathJax are done: the
    same twice in a row, 300 ms apart, on every page (on a busy machine that takes longer than on an idle one)."""
    pages[0].wait_for_timeout(600)
    before = [page.evaluate(FIT) for page in pages]
    for _ in range(tries):
        pages[0].wait_for_timeout(300)
        now = [page.evaluate(FIT) for page in pages]
        if now == before:
            return now
        before = now
    return now


def local_only(page, refused: list[str]) -> None:
    """Let ``page`` load from this machine only; remember what it asked for elsewhere."""
    def route(r):
        url = r.request.url
        if url.startswith(("file:", "http://127.0.0.1", "data:", "blob:")):
            r.continue_()
        else:
            refused.append(url)
            r.abort()
    page.route("**/*", route)


@contextlib.contextmanager
def jupyterlab(root: Path, log: Path, **environment: str) -> Iterator[tuple[str, str]]:
    """JupyterLab serving ``root`` on 127.0.0.1 (a free port, a random token, its settings beside ``root``, the
    ``environment`` added to its kernels') while the block runs: (base URL, token).

    >>> with jupyterlab(Path("/tmp/lab"), Path("/tmp/lab.log")) as (base, token):  # doctest: +SKIP
    ...     urllib.request.urlopen(f"{base}/api/status?token={token}")
    """
    port, token = free_ports(1)[0], secrets.token_hex(16)
    settings = root.parent / "lab-settings"
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(settings / "ws"),
               JUPYTER_RUNTIME_DIR=str(settings / "runtime"), **environment)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True"]
    command += ["--allow-root"] if os.geteuid() == 0 else []
    with open(log, "w") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None:
                        raise RuntimeError("JupyterLab stopped:\n" + log.read_text()[-3000:])
                    time.sleep(0.5)
            else:
                raise RuntimeError("JupyterLab did not answer within 120 s:\n" + log.read_text()[-3000:])
            yield base, token
        finally:
            server.terminate()
            server.wait(timeout=30)


class Presenter:
    """Chromium, and a JupyterLab for RISE, kept open while decks are presented one after another.

    >>> with Presenter(Path("/tmp/present")) as presenter:  # doctest: +SKIP
    ...     shown, refused = presenter.present(Path("slides/01_cnns.ipynb"))
    """

    def __init__(self, workdir: Path, modes=MODES, sizes=SIZES):
        self.workdir, self.modes, self.sizes = workdir, tuple(modes), tuple(sizes)
        self.html_dir, self.rise_dir = workdir / "html", workdir / "rise"
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> "Presenter":
        from playwright.sync_api import sync_playwright

        self.rise_dir.mkdir(parents=True, exist_ok=True)
        build_slides.copy_vendor(build_slides.install_vendor(), self.html_dir)
        (self.rise_dir / "rise.css").write_text((ROOT / "slides" / "rise.css").read_text())
        with self._stack as stack:
            playwright = stack.enter_context(sync_playwright())
            self.browser = playwright.chromium.launch(executable_path=str(build_slides.CHROMIUM),
                                                      args=build_slides.CHROMIUM_ARGS)
            stack.callback(self.browser.close)
            if "rise" in self.modes:
                self.base, self.token = stack.enter_context(jupyterlab(self.rise_dir, self.workdir / "jupyterlab.log"))
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def present(self, deck: Path, executed: nbformat.NotebookNode | None = None,
                sizes=None) -> tuple[list[Shown], list[str]]:
        """Present ``deck`` in every mode at every size (``sizes``, else the presenter's), all screens in step;
        return each slide shown and the requests refused. ``executed``: the deck already run (as by nbval), else it
        runs here once (the active profile). Either way its live-only cells and test marks are left out, as
        ``build_slides.execute`` does."""
        executed = build_slides.as_presented(executed) if executed is not None else build_slides.execute(deck)
        html_file = build_slides.build(deck, self.html_dir, executed)
        nbformat.write(executed, self.rise_dir / deck.name)
        refused: list[str] = []
        pages = []
        try:
            for mode in self.modes:
                for width, height in sizes or self.sizes:
                    page = self.browser.new_page(viewport={"width": width, "height": height})
                    pages.append((page, mode))
                    local_only(page, refused)
                    url = html_file.as_uri() if mode == "offline" else f"{self.base}/rise/{deck.name}?token={self.token}"
                    page.goto(url, wait_until="commit")  # every screen loads at once
            for page, mode in pages:
                if mode == "offline":
                    page.wait_for_selector(".reveal.ready", timeout=60_000)
                    page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0",
                                           timeout=60_000)
                else:
                    page.wait_for_selector(".reveal.ready", timeout=120_000)
                    page.wait_for_selector(".jp-OutputArea-output", state="attached", timeout=60_000)
            pages[0][0].wait_for_timeout(1000)
            shown = step_through(pages, deck.stem)
        finally:
            for page, _ in pages:
                page.close()
        return shown, sorted(set(refused))


def present(decks: list[Path], workdir: Path, modes=MODES, sizes=SIZES) -> tuple[list[Shown], list[str]]:
    """Present ``decks`` in each mode at each size; return every slide shown and the requests refused.

    >>> shown, refused = present([Path("slides/01_cnns.ipynb")], Path("/tmp/present"))  # doctest: +SKIP
    >>> [problem for s in shown for problem in s.problems()]  # doctest: +SKIP
    []
    """
    shown, refused = [], []
    with Presenter(workdir, modes, sizes) as presenter:
        for deck in decks:
            deck_shown, deck_refused = presenter.present(deck)
            shown += deck_shown
            refused += deck_refused
    return shown, sorted(set(refused))


def report(shown: list[Shown]) -> str:
    """A table: one row per deck, mode and size, with the slide that runs furthest past the bottom."""
    rows = ["| deck | mode | screen | slides | most room left (px) | tightest slide | problems |",
            "|---|---|---|---|---|---|---|"]
    groups: dict[tuple[str, str, str], list[Shown]] = {}
    for s in shown:
        groups.setdefault((s.deck, s.mode, s.size), []).append(s)
    for (deck, mode, size), slides in groups.items():
        tightest = max(slides, key=lambda s: s.below)
        problems = sum(len(s.problems()) for s in slides)
        rows.append(f"| {deck} | {mode} | {size} | {len(slides)} | {-tightest.below} | {tightest.slide} | {problems} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("decks", nargs="*", type=Path, help="default: slides/*.ipynb")
    parser.add_argument("--mode", choices=MODES, action="append", help="default: both")
    parser.add_argument("--size", action="append", help="WIDTHxHEIGHT (default: 1280x720 and 1920x1080)")
    args = parser.parse_args()
    decks = [d.resolve() for d in args.decks] or sorted((ROOT / "slides").glob("*.ipynb"))
    sizes = [tuple(int(n) for n in s.split("x")) for s in args.size] if args.size else SIZES
    with tempfile.TemporaryDirectory(prefix="present-") as workdir:
        shown, refused = present(decks, Path(workdir), tuple(args.mode or MODES), sizes)
    print(report(shown))
    problems = [p for s in shown for p in s.problems()] + [f"asked for {url} (outside this machine)" for url in refused]
    print("\n".join(problems) if problems else "every slide fits, shows no error and has speaker notes")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
