"""Pinned JavaScript from the npm registry: ``npm ci`` a folder's package.json and lockfile (sha512 for every package)
into a build folder, again only when the lockfile changed. The slide decks and the hub's proxy use it.

    >>> from tools.npm import install_pinned                                  # doctest: +SKIP
    >>> install_pinned(ROOT / "hub", ROOT / "build" / "hub-proxy", "make hub's proxy")   # doctest: +SKIP
    PosixPath('.../build/hub-proxy/node_modules')
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def install_pinned(source: Path, build: Path, purpose: str) -> Path:
    """``npm ci`` ``source``/package.json (as its package-lock.json pins it) into ``build``; returns its node_modules.
    Skipped when ``build`` already holds the same lockfile. Without npm, exits with how to get it. Processes that
    install at once (the test suite's workers) take turns: the second finds the first one's install."""
    from filelock import FileLock

    lock = (source / "package-lock.json").read_text()
    modules, installed = build / "node_modules", build / ".installed-package-lock.json"
    build.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(build.parent / f".{build.name}.lock"):
        if modules.is_dir() and installed.is_file() and installed.read_text() == lock:
            return modules
        if not shutil.which("npm"):
            raise SystemExit(f"{purpose} needs npm (Node.js) to fetch its pinned packages from the npm registry: "
                             "`sudo apt-get install npm` on Debian or Ubuntu, or https://nodejs.org.")
        build.mkdir(parents=True, exist_ok=True)
        installed.unlink(missing_ok=True)  # written after npm ci: an install cut short is never taken for a whole one
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(source / name, build / name)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=build, check=True)
        installed.write_text(lock)
    return modules
